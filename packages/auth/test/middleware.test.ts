import type { PrismContext } from "@xsiam-sdk/test-support";
import createClient, { type Middleware } from "openapi-fetch";
import { describe, expect, expectTypeOf, inject, test } from "vitest";
import { type AuthMiddleware, type AuthOptions, createAuthMiddleware } from "../src/index.js";
import { type ApiKeyPaths, deleteBody } from "./api-paths.js";

const prismUrl: PrismContext["prismUrl"] = inject("prismUrl");
const key = { apiKey: "middleware-test-key", apiKeyId: 2841 };

/** A client whose fetch records the headers of every request before sending it to Prism. */
function recordingClient(options?: AuthOptions) {
  const sent: Headers[] = [];
  const client = createClient<ApiKeyPaths>({
    baseUrl: prismUrl,
    fetch: async (request: Request) => {
      sent.push(new Headers(request.headers));
      return fetch(request);
    },
  });
  if (options) client.use(createAuthMiddleware(options));
  return { client, sent };
}

test("the middleware is an openapi-fetch Middleware", () => {
  expectTypeOf<AuthMiddleware>().toExtend<Middleware>();
});

describe.each(["advanced", "standard"] as const)("%s key against the mock", (securityLevel) => {
  test("generate and delete are accepted", async () => {
    const { client } = recordingClient({ ...key, securityLevel });
    const generated = await client.POST("/public_api/v1/api_keys/generate", {
      body: { request_data: { roles: ["Viewer"], security_level: "advanced" } },
    });
    expect(generated.response.status).toBe(200);
    expect(generated.data?.reply.id).toBe(4267);
    const deleted = await client.POST("/public_api/v1/api_keys/delete", { body: deleteBody });
    expect(deleted.response.status).toBe(200);
    expect(deleted.data?.reply.update_count).toBe(1);
  });
});

test("without the middleware the mock answers 401", async () => {
  const { client } = recordingClient();
  const { response, error } = await client.POST("/public_api/v1/api_keys/delete", { body: deleteBody });
  expect(response.status).toBe(401);
  expect(error?.reply.err_msg).toBe("Public API request unauthorized");
});

test("advanced requests carry well-formed headers, freshly signed for each request", async () => {
  const { client, sent } = recordingClient(key);
  await client.POST("/public_api/v1/api_keys/delete", { body: deleteBody });
  await client.POST("/public_api/v1/api_keys/delete", { body: deleteBody });
  const [first, second] = sent;
  for (const headers of [first, second]) {
    expect(headers?.get("x-xdr-auth-id")).toBe("2841");
    expect(headers?.get("x-xdr-nonce")).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(headers?.get("x-xdr-timestamp")).toMatch(/^\d{13}$/);
    expect(headers?.get("authorization")).toMatch(/^[0-9a-f]{64}$/);
  }
  expect(first?.get("x-xdr-nonce")).not.toBe(second?.get("x-xdr-nonce"));
  expect(first?.get("authorization")).not.toBe(second?.get("authorization"));
});

test("standard requests send the key and id only", async () => {
  const { client, sent } = recordingClient({ ...key, securityLevel: "standard" });
  await client.POST("/public_api/v1/api_keys/delete", { body: deleteBody });
  expect(sent[0]?.get("authorization")).toBe("middleware-test-key");
  expect(sent[0]?.get("x-xdr-auth-id")).toBe("2841");
  expect(sent[0]?.has("x-xdr-nonce")).toBe(false);
  expect(sent[0]?.has("x-xdr-timestamp")).toBe(false);
});

describe("headers set on a request", () => {
  test("x-child-tenant-id from the option is sent, and a per-request one wins", async () => {
    const { client, sent } = recordingClient({ ...key, childTenantId: "from-option" });
    await client.POST("/public_api/v1/api_keys/delete", { body: deleteBody });
    await client.POST("/public_api/v1/api_keys/delete", {
      body: deleteBody,
      params: { header: { "x-child-tenant-id": "from-request" } },
    });
    expect(sent[0]?.get("x-child-tenant-id")).toBe("from-option");
    expect(sent[1]?.get("x-child-tenant-id")).toBe("from-request");
  });

  test("no x-child-tenant-id unless one is configured or set", async () => {
    const { client, sent } = recordingClient(key);
    await client.POST("/public_api/v1/api_keys/delete", { body: deleteBody });
    expect(sent[0]?.has("x-child-tenant-id")).toBe(false);
  });

  test("auth headers set on a request are replaced by the signed ones", async () => {
    const { client, sent } = recordingClient(key);
    const stale = "A".repeat(64);
    await client.POST("/public_api/v1/api_keys/delete", {
      body: deleteBody,
      headers: { authorization: "not-the-signature", "x-xdr-auth-id": "999" },
      params: { header: { "x-xdr-nonce": stale, "x-xdr-timestamp": "1000000000000" } },
    });
    expect(sent[0]?.get("authorization")).toMatch(/^[0-9a-f]{64}$/);
    expect(sent[0]?.get("x-xdr-auth-id")).toBe("2841");
    expect(sent[0]?.get("x-xdr-nonce")).not.toBe(stale);
    expect(Number(sent[0]?.get("x-xdr-timestamp"))).toBeGreaterThan(1_000_000_000_000);
  });
});

test("signHeaders re-signs the same headers with a new nonce each time (what a retry needs)", async () => {
  const middleware = createAuthMiddleware(key);
  const headers = new Headers({ "content-type": "application/json" });
  await middleware.signHeaders(headers);
  const firstNonce = headers.get("x-xdr-nonce");
  const firstSignature = headers.get("authorization");
  await middleware.signHeaders(headers);
  expect(headers.get("x-xdr-nonce")).not.toBe(firstNonce);
  expect(headers.get("authorization")).not.toBe(firstSignature);
  expect(headers.get("content-type")).toBe("application/json");
});
