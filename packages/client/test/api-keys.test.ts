import { inspect } from "node:util";
import type { PrismContext } from "@xsiam-sdk/test-support";
import { describe, expect, inject, test } from "vitest";
import {
  createXsiamClient,
  type GenerateApiKeyInput,
  GeneratedApiKey,
  type SecurityLevel,
  XsiamValidationError,
} from "../src/index.js";
import { expectNoSecrets, recordingFetch, rejectionOf } from "./helpers.js";

const prismUrl: PrismContext["prismUrl"] = inject("prismUrl");
const SECRET = "api-keys-sEcReT-4c1e";
const EXAMPLE_KEY = "oZFaXmXCLCdoWIXTb9ITSqUvl4OBLsUQgCeuZc5FdwMpmpY5QBn8OUePZiLMb";
const DAY = 86_400_000;

function client(securityLevel: SecurityLevel = "advanced", childTenantId?: string) {
  const recorder = recordingFetch();
  const xsiam = createXsiamClient({
    baseUrl: prismUrl,
    apiKey: SECRET,
    apiKeyId: 2841,
    securityLevel,
    childTenantId,
    fetch: recorder.fetch,
  });
  return { xsiam, requests: recorder.requests };
}

describe.each(["advanced", "standard"] as const)("with a %s key, against the mock", (securityLevel) => {
  test("generate sends the documented body and returns the new key", async () => {
    const { xsiam, requests } = client(securityLevel);
    const expiration = new Date(Date.now() + 7 * DAY);
    const result = await xsiam.apiKeys.generate({
      roles: ["Viewer", "Responder"],
      securityLevel: "standard",
      expiration,
      comment: "ci",
    });
    expect(result).toBeInstanceOf(GeneratedApiKey);
    expect(result.id).toBe(4267);
    expect(result.key).toBe(EXAMPLE_KEY);
    const [request] = requests;
    expect(request?.method).toBe("POST");
    expect(new URL(request?.url ?? "").pathname).toBe("/public_api/v1/api_keys/generate");
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(await request?.json()).toEqual({
      request_data: {
        roles: ["Viewer", "Responder"],
        security_level: "standard",
        expiration: expiration.getTime(),
        // The call's marker, which a failed call uses to find the key it may have minted.
        comment: expect.stringMatching(/^ci \[xsiam-sdk:[A-Za-z0-9]{16}\]$/),
      },
    });
    expect(request?.headers.get("x-xdr-auth-id")).toBe("2841");
    expect(request?.headers.has("x-xdr-nonce")).toBe(securityLevel === "advanced");
  });

  test("delete sends each id once and returns the count", async () => {
    const { xsiam, requests } = client(securityLevel);
    const { updateCount } = await xsiam.apiKeys.delete([121, 134, 121], {
      headers: { Prefer: "example=bothDeleted" },
    });
    expect(updateCount).toBe(2);
    expect(await requests[0]?.json()).toEqual({
      request_data: { filters: [{ field: "id", operator: "in", value: [121, 134] }] },
    });
  });
});

test("without reconciliation only the given fields are sent, and the level: no expiration means the service's one-week default", async () => {
  const { xsiam, requests } = client();
  await xsiam.apiKeys.generate({ roles: ["Viewer"] }, { reconcile: false });
  // security_level is always sent (the vendor's export requires it); "advanced" by default.
  expect(await requests[0]?.json()).toEqual({
    request_data: { roles: ["Viewer"], security_level: "advanced" },
  });
});

test("with reconciliation (the default) the one-week default is sent explicitly, with the call's marker", async () => {
  const { xsiam, requests } = client();
  const before = Date.now();
  await xsiam.apiKeys.generate({ roles: ["Viewer"], comment: `rotated [xsiam-sdk:${"a".repeat(16)}]` });
  const { request_data: sent } = await (requests[0] as Request).json();
  expect(sent.expiration).toBeGreaterThanOrEqual(before + 7 * DAY);
  expect(sent.expiration).toBeLessThanOrEqual(Date.now() + 7 * DAY);
  // The comment is sent as written (list gives it back so), then one space and the call's own marker.
  expect(sent.comment).toMatch(/^rotated \[xsiam-sdk:a{16}\] \[xsiam-sdk:(?!a{16})[A-Za-z0-9]{16}\]$/);
});

test("expiration as epoch milliseconds is sent as is", async () => {
  const { xsiam, requests } = client();
  const expiration = Date.now() + 30 * DAY;
  await xsiam.apiKeys.generate({ roles: ["Viewer"], expiration });
  expect(await requests[0]?.json()).toMatchObject({ request_data: { expiration } });
});

test("per-call headers are sent, and a per-call child tenant wins over the client's", async () => {
  const { xsiam, requests } = client("advanced", "tenant-from-client");
  await xsiam.apiKeys.delete([1]);
  await xsiam.apiKeys.delete([1], {
    headers: { "x-child-tenant-id": "tenant-for-this-call", "x-trace": "abc" },
  });
  expect(requests[0]?.headers.get("x-child-tenant-id")).toBe("tenant-from-client");
  expect(requests[1]?.headers.get("x-child-tenant-id")).toBe("tenant-for-this-call");
  expect(requests[1]?.headers.get("x-trace")).toBe("abc");
});

test("the raw client keeps openapi-fetch's { data, error, response }", async () => {
  const { xsiam } = client();
  const ok = await xsiam.raw.POST("/public_api/v1/api_keys/delete", {
    body: { request_data: { filters: [{ field: "id", operator: "in", value: [1] }] } },
  });
  expect(ok.data).toEqual({ reply: { update_count: 1 } });
  expect(ok.response.status).toBe(200);
  const failed = await xsiam.raw.POST("/public_api/v1/api_keys/delete", {
    body: { request_data: { filters: [{ field: "id", operator: "in", value: [1] }] } },
    headers: { Prefer: "code=429" },
  });
  expect(failed.data).toBeUndefined();
  expect(failed.error).toEqual({ reply: { err_code: 429, err_msg: "Too many requests", err_extra: null } });
  expect(failed.response.status).toBe(429);
});

describe("the generated key is kept out of printed forms", () => {
  test("JSON, inspect, String and spread do not show it; reading it does", async () => {
    const { xsiam } = client();
    const result = await xsiam.apiKeys.generate({ roles: ["Viewer"] });
    const { id, key } = result;
    expect(key).toBe(EXAMPLE_KEY);
    expect(id).toBe(4267);
    expect(JSON.stringify(result)).toBe('{"id":4267,"key":"[redacted]"}');
    expect(inspect(result)).toBe("GeneratedApiKey { id: 4267, key: '[redacted]' }");
    expect(inspect(result, { showHidden: true, depth: Number.POSITIVE_INFINITY })).not.toContain(EXAMPLE_KEY);
    expect(String(result)).toBe("GeneratedApiKey(id 4267)");
    expect({ ...result }).toEqual({ id: 4267 });
    expect(Object.keys(result)).toEqual(["id"]);
  });
});

describe("input checks: each bad input is an XsiamValidationError naming the field, and nothing is sent", () => {
  const valid: GenerateApiKeyInput = { roles: ["Viewer"] };
  const generateCases: Array<[string, unknown, string]> = [
    ["no input", undefined, "input"],
    ["input that is an array", [], "input"],
    ["no roles", {}, "roles"],
    ["empty roles", { roles: [] }, "roles"],
    ["roles as a string", { roles: "Viewer" }, "roles"],
    ["an empty role", { roles: ["Viewer", ""] }, "roles[1]"],
    ["a blank role", { roles: ["  "] }, "roles[0]"],
    ["a role that is not a string", { roles: ["Viewer", 7] }, "roles[1]"],
    ["a hole in a sparse roles array", { roles: Object.assign(new Array(2), { 1: "Viewer" }) }, "roles[0]"],
    ["an unknown level", { ...valid, securityLevel: "paranoid" }, "securityLevel"],
    ["snake_case security_level", { ...valid, security_level: "standard" }, "security_level"],
    ["an unknown field", { ...valid, expires: 1 }, "expires"],
    ["expiration in the past", { ...valid, expiration: Date.now() - 1_000 }, "expiration"],
    ["expiration 0", { ...valid, expiration: 0 }, "expiration"],
    ["expiration seven months ahead", { ...valid, expiration: Date.now() + 213 * DAY }, "expiration"],
    ["expiration in seconds", { ...valid, expiration: 1.5 }, "expiration"],
    ["expiration as a string", { ...valid, expiration: "2030-01-01" }, "expiration"],
    ["an invalid Date", { ...valid, expiration: new Date("nope") }, "expiration"],
    ["a comment that is not a string", { ...valid, comment: 42 }, "comment"],
  ];

  test.each(generateCases)("generate: %s", async (_label, input, field) => {
    const { xsiam, requests } = client();
    const error = await rejectionOf(xsiam.apiKeys.generate(input as GenerateApiKeyInput));
    expect(error).toBeInstanceOf(XsiamValidationError);
    expect(error).toMatchObject({ name: "XsiamValidationError", field });
    expect((error as Error).message).toMatch(
      new RegExp(`^@xsiam-sdk/client: ${field.replace(/[[\]]/g, "\\$&")} `),
    );
    expect(requests).toHaveLength(0);
  });

  const deleteCases: Array<[string, unknown, string]> = [
    ["no ids", undefined, "ids"],
    ["an empty list", [], "ids"],
    ["a single number instead of a list", 121, "ids"],
    ["id 0", [0], "ids[0]"],
    ["a negative id", [5, -1], "ids[1]"],
    ["a fractional id", [1.5], "ids[0]"],
    ["an unsafe integer", [2 ** 53], "ids[0]"],
    ["a string id", ["121"], "ids[0]"],
    ["NaN", [Number.NaN], "ids[0]"],
    ["a hole in a sparse array", Object.assign(new Array(2), { 1: 5 }), "ids[0]"],
  ];

  test.each(deleteCases)("delete: %s", async (_label, ids, field) => {
    const { xsiam, requests } = client();
    const error = await rejectionOf(xsiam.apiKeys.delete(ids as number[]));
    expect(error).toMatchObject({ name: "XsiamValidationError", field });
    expect(requests).toHaveLength(0);
  });

  test.each<[string, unknown, string]>([
    ["options that are not an object", "fast", "options"],
    ["a signal that is not an AbortSignal", { signal: {} }, "options.signal"],
    ["headers that are not an object", { headers: "x-a: b" }, "options.headers"],
  ])("call options: %s", async (_label, options, field) => {
    const { xsiam, requests } = client();
    const error = await rejectionOf(xsiam.apiKeys.delete([1], options as never));
    expect(error).toMatchObject({ name: "XsiamValidationError", field });
    expect(requests).toHaveLength(0);
  });

  test("an expiration at exactly six months is accepted", async () => {
    const { xsiam, requests } = client();
    const now = new Date();
    const limit = new Date(now);
    limit.setUTCMonth(limit.getUTCMonth() + 5, 28);
    await xsiam.apiKeys.generate({ roles: ["Viewer"], expiration: limit });
    expect(requests).toHaveLength(1);
  });

  test("validation errors never echo a value", async () => {
    const { xsiam } = client();
    const error = await rejectionOf(
      xsiam.apiKeys.generate({ roles: [SECRET as unknown as string, 5 as never] }),
    );
    expect(error).toMatchObject({ field: "roles[1]" });
    expectNoSecrets(error, [SECRET]);
    const misplaced = await rejectionOf(
      xsiam.apiKeys.generate({ roles: ["x"], comment: { key: SECRET } as never }),
    );
    expectNoSecrets(misplaced, [SECRET]);
  });
});
