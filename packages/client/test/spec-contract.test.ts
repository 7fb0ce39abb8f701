// The spec, the generated types and the Prism mock agree: requests typed by `paths` are the ones
// the mock (built from the same spec) accepts, and what the spec forbids the mock rejects.
import { readFileSync } from "node:fs";
import { specFile } from "@xsiam-sdk/test-support";
import createClient from "openapi-fetch";
import { describe, expect, inject, test } from "vitest";
import { parse } from "yaml";
import type { components, paths } from "../src/index.js";

const auth = { authorization: "contract-test-key", "x-xdr-auth-id": "2841" };
const client = createClient<paths>({ baseUrl: inject("prismUrl"), headers: auth });
const unauthenticated = createClient<paths>({ baseUrl: inject("prismUrl") });

/** Prism lists what made a request invalid in this header. */
function violations(response: Response): Array<{ location: string[]; code: string | number }> {
  return JSON.parse(response.headers.get("sl-violations") ?? "[]");
}

describe("generate", () => {
  test("a valid request gets the spec's example reply", async () => {
    const { data, error, response } = await client.POST("/public_api/v1/api_keys/generate", {
      body: {
        request_data: { roles: ["Viewer"], security_level: "advanced", expiration: 1_900_000_000_000 },
      },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data).toEqual({
      reply: { id: 4267, key: "oZFaXmXCLCdoWIXTb9ITSqUvl4OBLsUQgCeuZc5FdwMpmpY5QBn8OUePZiLMb" },
    });
  });

  test("without the auth headers it is 401 with the service's envelope", async () => {
    const { data, error, response } = await unauthenticated.POST("/public_api/v1/api_keys/generate", {
      body: { request_data: { roles: ["Viewer"], security_level: "advanced" } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(error).toEqual({
      reply: { err_code: 401, err_msg: "Public API request unauthorized", err_extra: null },
    });
  });

  test("with only one of the two auth headers it is still 401", async () => {
    const { response } = await unauthenticated.POST("/public_api/v1/api_keys/generate", {
      body: { request_data: { roles: ["Viewer"], security_level: "advanced" } },
      headers: { authorization: "contract-test-key" },
    });
    expect(response.status).toBe(401);
  });

  test("a security_level outside the enum is rejected", async () => {
    const { response } = await client.POST("/public_api/v1/api_keys/generate", {
      // @ts-expect-error the generated types only allow "standard" | "advanced"
      body: { request_data: { roles: ["Viewer"], security_level: "paranoid" } },
    });
    expect(response.status).toBe(400);
    expect(violations(response)).toContainEqual(
      expect.objectContaining({
        location: ["request", "body", "request_data", "security_level"],
        code: "enum",
      }),
    );
  });

  test("an empty roles list is rejected", async () => {
    const { response } = await client.POST("/public_api/v1/api_keys/generate", {
      body: { request_data: { roles: [], security_level: "advanced" } },
    });
    expect(response.status).toBe(400);
    expect(violations(response)).toContainEqual(expect.objectContaining({ code: "minItems" }));
  });

  test("a nonce that is not 64 alphanumerics is rejected", async () => {
    const { response } = await client.POST("/public_api/v1/api_keys/generate", {
      body: { request_data: { roles: ["Viewer"], security_level: "advanced" } },
      params: { header: { "x-xdr-nonce": "too-short" } },
    });
    expect(response.status).toBe(400);
    expect(violations(response)).toContainEqual(
      expect.objectContaining({ location: ["request", "header", "x-xdr-nonce"] }),
    );
  });
});

describe("delete", () => {
  test.each([
    [undefined, 1],
    ["oneDeleted", 1],
    ["bothDeleted", 2],
  ])("a valid request gets the spec's example reply (%s)", async (example, count) => {
    const { data, response } = await client.POST("/public_api/v1/api_keys/delete", {
      body: { request_data: { filters: [{ field: "id", operator: "in", value: [121, 134] }] } },
      ...(example && { headers: { Prefer: `example=${example}` } }),
    });
    expect(response.status).toBe(200);
    expect(data).toEqual({ reply: { update_count: count } });
  });

  test("without the auth headers it is 401", async () => {
    const { response } = await unauthenticated.POST("/public_api/v1/api_keys/delete", {
      body: { request_data: { filters: [{ field: "id", operator: "in", value: [1] }] } },
    });
    expect(response.status).toBe(401);
  });

  test("string ids are rejected", async () => {
    const { response } = await client.POST("/public_api/v1/api_keys/delete", {
      // @ts-expect-error ids are integers in the generated types
      body: { request_data: { filters: [{ field: "id", operator: "in", value: ["121"] }] } },
    });
    expect(response.status).toBe(400);
    expect(violations(response)).toContainEqual(
      expect.objectContaining({
        location: ["request", "body", "request_data", "filters", "0", "value", "0"],
      }),
    );
  });

  test("a filter field or operator outside its enum is rejected", async () => {
    const { response } = await client.POST("/public_api/v1/api_keys/delete", {
      // @ts-expect-error only field "id" with operator "in" exists
      body: { request_data: { filters: [{ field: "name", operator: "contains", value: [1] }] } },
    });
    expect(response.status).toBe(400);
    const codes = violations(response).map((v) => v.code);
    expect(codes.filter((code) => code === "enum")).toHaveLength(2);
  });
});

describe("list (get_api_keys)", () => {
  const LIST = "/public_api/v1/api_keys/get_api_keys";
  const filters: components["schemas"]["ApiKeyFilter"][] = [
    { field: "expiration", operator: "gte", value: 1721149909250 },
    { field: "expiration", operator: "lte", value: 1790000000000 },
    { field: "roles", operator: "contains", value: ["Viewer", "Responder"] },
    { field: "id", operator: "in", value: [25, 85] },
  ];

  test.each([
    ["upperCase", { DATA: expect.any(Array), FILTER_COUNT: 2, TOTAL_COUNT: 2 }],
    ["lowerCase", { data: expect.any(Array), filter_count: 1, total_count: 2 }],
  ])("every documented filter together gets the %s example", async (example, reply) => {
    const { data, response } = await client.POST(LIST, {
      body: { request_data: { filters, search_from: 0, search_to: 100 } },
      headers: { Prefer: `example=${example}` },
    });
    expect(response.status, response.headers.get("sl-violations") ?? "").toBe(200);
    expect(data?.reply).toEqual(reply);
  });

  test("without filters it gets the upper-case example, as real tenants send it", async () => {
    const { data } = await client.POST(LIST, { body: { request_data: {} } });
    expect(data?.reply).toHaveProperty("DATA");
    expect(JSON.stringify(data)).not.toMatch(/"key"/);
  });

  test("without the auth headers it is 401", async () => {
    const { response } = await unauthenticated.POST(LIST, { body: { request_data: {} } });
    expect(response.status).toBe(401);
  });

  test.each<[string, unknown]>([
    ["expiration with in", { field: "expiration", operator: "in", value: [1] }],
    ["expiration with a list", { field: "expiration", operator: "gte", value: [1] }],
    ["roles with gte", { field: "roles", operator: "gte", value: ["Viewer"] }],
    ["roles with a name, not a list", { field: "roles", operator: "contains", value: "Viewer" }],
    ["id with contains", { field: "id", operator: "contains", value: [1] }],
    ["a string id", { field: "id", operator: "in", value: ["85"] }],
    ["an unknown field", { field: "comment", operator: "in", value: ["x"] }],
  ])("a wrong pair is refused: %s", async (_label, filter) => {
    const { response } = await client.POST(LIST, {
      // @ts-expect-error each field goes with its own operators and value type
      body: { request_data: { filters: [filter] } },
    });
    expect(response.status).toBe(400);
    expect(violations(response).length).toBeGreaterThan(0);
  });
});

describe("the spec's own request examples", () => {
  const spec = parse(readFileSync(specFile, "utf8"));
  const cases = Object.entries(spec.paths as Record<string, { post: { requestBody: unknown } }>).flatMap(
    ([path, item]) => {
      const body = item.post.requestBody as { content: { "application/json": { examples: object } } };
      return Object.entries(body.content["application/json"].examples).map(
        ([name, example]) => [path, name, (example as { value: unknown }).value] as const,
      );
    },
  );

  test("each operation has one named request example: the one its code samples send", () => {
    expect(cases.map(([path, name]) => `${path}#${name}`).sort()).toEqual([
      "/public_api/v1/api_keys/delete#byIds",
      "/public_api/v1/api_keys/generate#nightlyJob",
      "/public_api/v1/api_keys/get_api_keys#viewerKeysExpiringSoon",
    ]);
  });

  test.each(cases)("%s %s is accepted by the mock", async (path, _name, body) => {
    const response = await fetch(`${inject("prismUrl")}${path}`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status, response.headers.get("sl-violations") ?? "").toBe(200);
  });
});
