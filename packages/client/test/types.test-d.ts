// What must and must not compile. Run by vitest's typecheck mode (tsc), never executed.
import type { Middleware } from "openapi-fetch";
import { describe, expectTypeOf, test } from "vitest";
import {
  type ApiKeyFilter,
  type ApiKeyInfo,
  type CallOptions,
  createXsiamClient,
  type GenerateApiKeyInput,
  type GeneratedApiKey,
  type paths,
  type XsiamClient,
  type XsiamClientOptions,
} from "../src/index.js";

declare const xsiam: XsiamClient;
const filter = { field: "id", operator: "in", value: [121] } as const;

describe("the raw client is typed by the spec", () => {
  test("a valid call compiles and its data is typed", () => {
    const call = () =>
      xsiam.raw.POST("/public_api/v1/api_keys/generate", {
        body: { request_data: { roles: ["Viewer"], security_level: "advanced" } },
      });
    type Result = Awaited<ReturnType<typeof call>>;
    expectTypeOf<NonNullable<Result["data"]>>().toEqualTypeOf<{ reply: { id: number; key: string } }>();
    expectTypeOf<NonNullable<Result["error"]>["reply"]["err_code"]>().toEqualTypeOf<number | string>();
  });

  test("a wrong path does not compile", () => {
    // @ts-expect-error no such path in the spec
    xsiam.raw.POST("/public_api/v1/api_keys/list", { body: {} });
    // @ts-expect-error the endpoints are POST only
    xsiam.raw.GET("/public_api/v1/api_keys/delete");
  });

  test("a missing required field does not compile", () => {
    xsiam.raw.POST("/public_api/v1/api_keys/generate", {
      // @ts-expect-error roles is required
      body: { request_data: { security_level: "advanced" } },
    });
    // @ts-expect-error security_level is required: the client always sends it
    xsiam.raw.POST("/public_api/v1/api_keys/generate", { body: { request_data: { roles: ["Viewer"] } } });
    // @ts-expect-error the body is required
    xsiam.raw.POST("/public_api/v1/api_keys/delete", {});
    xsiam.raw.POST("/public_api/v1/api_keys/delete", {
      // @ts-expect-error value is required in a filter
      body: { request_data: { filters: [{ field: "id", operator: "in" }] } },
    });
  });

  test("a wrong body does not compile", () => {
    xsiam.raw.POST("/public_api/v1/api_keys/generate", {
      // @ts-expect-error security_level is "standard" | "advanced"
      body: { request_data: { roles: ["Viewer"], security_level: "paranoid" } },
    });
    xsiam.raw.POST("/public_api/v1/api_keys/delete", {
      // @ts-expect-error ids are numbers
      body: { request_data: { filters: [{ ...filter, value: ["121"] }] } },
    });
    xsiam.raw.POST("/public_api/v1/api_keys/delete", {
      // @ts-expect-error the only filter field is "id"
      body: { request_data: { filters: [{ ...filter, field: "name" }] } },
    });
    xsiam.raw.POST("/public_api/v1/api_keys/get_api_keys", {
      // @ts-expect-error expiration goes with gte or lte, not in
      body: { request_data: { filters: [{ field: "expiration", operator: "in", value: 1 }] } },
    });
    xsiam.raw.POST("/public_api/v1/api_keys/get_api_keys", {
      // @ts-expect-error roles take a list of names
      body: { request_data: { filters: [{ field: "roles", operator: "contains", value: "Viewer" }] } },
    });
  });

  test("a list reply is one of the two casings", () => {
    const call = () => xsiam.raw.POST("/public_api/v1/api_keys/get_api_keys", { body: { request_data: {} } });
    type Reply = NonNullable<Awaited<ReturnType<typeof call>>["data"]>["reply"];
    expectTypeOf<Extract<Reply, { DATA: unknown }>["FILTER_COUNT"]>().toEqualTypeOf<number>();
    expectTypeOf<Extract<Reply, { data: unknown }>["filter_count"]>().toEqualTypeOf<number>();
  });

  test("paths is the generated paths type", () => {
    expectTypeOf<keyof paths>().toEqualTypeOf<
      | "/public_api/v1/api_keys/generate"
      | "/public_api/v1/api_keys/delete"
      | "/public_api/v1/api_keys/get_api_keys"
    >();
  });
});

describe("the convenience methods", () => {
  test("list takes a friendly filter and returns ApiKeyInfo; get one or undefined", () => {
    expectTypeOf(xsiam.apiKeys.list).parameter(0).toEqualTypeOf<ApiKeyFilter | undefined>();
    expectTypeOf(xsiam.apiKeys.list()).resolves.toEqualTypeOf<ApiKeyInfo[]>();
    expectTypeOf(xsiam.apiKeys.get(1)).resolves.toEqualTypeOf<ApiKeyInfo | undefined>();
    expectTypeOf<ApiKeyInfo["expiresAt"]>().toEqualTypeOf<Date | null>();
    // @ts-expect-error ids are numbers
    xsiam.apiKeys.list({ ids: ["1"] });
    // @ts-expect-error filters are by ids, roles and expiry only
    xsiam.apiKeys.list({ comment: "x" });
  });

  test("generate takes checked input and returns the key", () => {
    expectTypeOf(xsiam.apiKeys.generate).parameter(0).toEqualTypeOf<GenerateApiKeyInput>();
    expectTypeOf(xsiam.apiKeys.generate({ roles: ["Viewer"] })).resolves.toEqualTypeOf<GeneratedApiKey>();
    expectTypeOf<GeneratedApiKey["key"]>().toEqualTypeOf<string>();
    // @ts-expect-error roles is required
    xsiam.apiKeys.generate({ comment: "x" });
    // @ts-expect-error unknown level
    xsiam.apiKeys.generate({ roles: ["Viewer"], securityLevel: "basic" });
    // @ts-expect-error the wire name is not the input name
    xsiam.apiKeys.generate({ roles: ["Viewer"], security_level: "standard" });
    // @ts-expect-error expiration is a Date or epoch milliseconds
    xsiam.apiKeys.generate({ roles: ["Viewer"], expiration: "2030-01-01" });
  });

  test("delete takes ids and returns the count", () => {
    expectTypeOf(xsiam.apiKeys.delete([1, 2])).resolves.toEqualTypeOf<{ updateCount: number }>();
    // @ts-expect-error ids are numbers
    xsiam.apiKeys.delete(["121"]);
    expectTypeOf<CallOptions["signal"]>().toEqualTypeOf<AbortSignal | undefined>();
  });
});

describe("client options", () => {
  test("fqdn and baseUrl are exclusive, and one is required", () => {
    createXsiamClient({ fqdn: "t.xdr.us.paloaltonetworks.com", apiKey: "k", apiKeyId: 1 });
    createXsiamClient({ baseUrl: "https://api-t.xdr.us.paloaltonetworks.com", apiKey: "k", apiKeyId: "1" });
    // @ts-expect-error both given
    createXsiamClient({ fqdn: "t", baseUrl: "https://api-t", apiKey: "k", apiKeyId: 1 });
    // @ts-expect-error neither given
    createXsiamClient({ apiKey: "k", apiKeyId: 1 });
    // @ts-expect-error apiKey is required
    createXsiamClient({ fqdn: "t", apiKeyId: 1 });
  });

  test("securityLevel is the enum", () => {
    expectTypeOf<XsiamClientOptions["securityLevel"]>().toEqualTypeOf<"advanced" | "standard" | undefined>();
  });

  test("raw accepts openapi-fetch middleware", () => {
    expectTypeOf(xsiam.raw.use).parameter(0).toEqualTypeOf<Middleware>();
  });
});
