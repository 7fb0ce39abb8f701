// The fake tenant behaves as the service does (spec/openapi.yaml and ../shared/xsiam-facts.md):
// authentication, the rules of generate, listing, child tenants, the rate limit, and faults.
import { XsiamApiError } from "@xsiam-sdk/client";
import { afterEach, describe, expect, test } from "vitest";
import { createFakeTenant, type FakeTenant, type FakeTenantOptions } from "../src/index.js";
import { clientOf, post, signed, UNAUTHORIZED } from "./helpers.js";

const DAY = 86_400_000;
const listAll = { request_data: {} };
let tenant: FakeTenant;
const start = async (options: FakeTenantOptions = {}) => {
  tenant = await createFakeTenant({ rateLimit: false, ...options });
  return tenant;
};
afterEach(() => tenant?.close());

describe("authentication", () => {
  test("a correctly signed advanced request is accepted", async () => {
    await start();
    expect((await post(tenant, "get_api_keys", signed(tenant.rootKey), listAll)).status).toBe(200);
  });

  test.each<[string, (headers: Record<string, string>) => Record<string, string>]>([
    ["a wrong signature", (headers) => ({ ...headers, authorization: "0".repeat(64) })],
    ["a wrong key id", (headers) => ({ ...headers, "x-xdr-auth-id": "999" })],
    ["no key id", ({ "x-xdr-auth-id": _, ...headers }) => headers],
    ["no nonce", ({ "x-xdr-nonce": _, ...headers }) => headers],
    ["a short nonce", (headers) => ({ ...headers, "x-xdr-nonce": "abc" })],
    [
      "the key itself, as a standard key would send it",
      (headers) => ({ ...headers, authorization: tenant.rootKey.key }),
    ],
  ])("%s is the service's bare 401", async (_label, change) => {
    await start();
    const { status, body } = await post(tenant, "get_api_keys", change(signed(tenant.rootKey)), listAll);
    expect([status, body]).toEqual([401, UNAUTHORIZED]);
  });

  test("a timestamp outside five minutes is refused; inside, accepted", async () => {
    await start();
    const now = Date.now();
    expect(
      (await post(tenant, "get_api_keys", signed(tenant.rootKey, now - 5 * 60_000 - 2_000), listAll)).status,
    ).toBe(401);
    expect(
      (await post(tenant, "get_api_keys", signed(tenant.rootKey, now + 5 * 60_000 + 2_000), listAll)).status,
    ).toBe(401);
    expect(
      (await post(tenant, "get_api_keys", signed(tenant.rootKey, now - 4 * 60_000), listAll)).status,
    ).toBe(200);
  });

  test("a replayed request (the same nonce) is refused", async () => {
    await start();
    const headers = signed(tenant.rootKey);
    expect((await post(tenant, "get_api_keys", headers, listAll)).status).toBe(200);
    expect(await post(tenant, "get_api_keys", headers, listAll)).toEqual({ status: 401, body: UNAUTHORIZED });
  });

  test("a standard key is sent as it is; signing it is refused", async () => {
    await start({ rootSecurityLevel: "standard" });
    const { key, id } = tenant.rootKey;
    expect(
      (await post(tenant, "get_api_keys", { authorization: key, "x-xdr-auth-id": String(id) }, listAll))
        .status,
    ).toBe(200);
    expect((await post(tenant, "get_api_keys", signed(tenant.rootKey), listAll)).status).toBe(401);
  });

  test("an expired key and a deleted key are refused", async () => {
    await start();
    const expired = tenant.addKey({ roles: ["Instance Administrator"], expiration: Date.now() - 1 });
    await expect(clientOf(tenant, expired).apiKeys.list()).rejects.toMatchObject({ status: 401 });
    const doomed = tenant.addKey({ roles: ["Instance Administrator"] });
    await clientOf(tenant).apiKeys.delete([doomed.id]);
    await expect(clientOf(tenant, doomed).apiKeys.list()).rejects.toMatchObject({ status: 401 });
  });
});

describe("generate", () => {
  test("mints a key that works, with the roles, level, comment and the one-week default", async () => {
    await start();
    const before = Date.now();
    const { id, key } = await clientOf(tenant).apiKeys.generate(
      { roles: ["Viewer"], securityLevel: "standard", comment: "job" },
      { reconcile: false },
    );
    expect(key).toMatch(/^[A-Za-z0-9]{128}$/);
    const stored = tenant.keys().find((candidate) => candidate.id === id);
    expect(stored).toMatchObject({
      roles: ["Viewer"],
      securityLevel: "standard",
      comment: "job",
      createdViaApi: true,
    });
    expect(stored?.expiresAt?.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(stored?.expiresAt?.getTime()).toBeLessThanOrEqual(Date.now() + 7 * DAY);
    expect(JSON.stringify(tenant.keys())).not.toContain(key);
  });

  test("a key created through the API cannot generate keys: the service's 403", async () => {
    await start();
    const minted = tenant.addKey({ roles: ["Instance Administrator"], createdViaApi: true });
    const error = await clientOf(tenant, minted)
      .apiKeys.generate({ roles: ["Viewer"] })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(XsiamApiError);
    expect(error).toMatchObject({
      status: 403,
      errMsg: "An API Key created in a public API call cannot generate new API Keys",
      hint: "A key created by the API cannot create keys: use one created in the console",
    });
  });

  test.each([
    ["in the past", -DAY, "expiration: must be in the future"],
    ["beyond six months", 190 * DAY, "expiration: must be at most six months from now"],
  ])("an expiration %s is a 400", async (_label, offset, extra) => {
    await start();
    const { status, body } = await post(tenant, "generate", signed(tenant.rootKey), {
      request_data: { roles: ["Viewer"], security_level: "advanced", expiration: Date.now() + offset },
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ reply: { err_code: 400, err_extra: extra } });
  });

  test.each<[string, unknown]>([
    ["no security_level", { request_data: { roles: ["Viewer"] } }],
    ["no roles", { request_data: { security_level: "advanced" } }],
    ["an unknown property", { request_data: { roles: ["Viewer"], security_level: "advanced", extra: 1 } }],
    ["not JSON", "{"],
  ])("a body with %s is a 400", async (_label, body) => {
    await start();
    const response = await fetch(`${tenant.baseUrl}/public_api/v1/api_keys/generate`, {
      method: "POST",
      headers: signed(tenant.rootKey),
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    expect(response.status).toBe(400);
  });

  test("a key without a key-admin role gets the service's 403 for a missing permission", async () => {
    await start();
    const viewer = tenant.addKey({ roles: ["Viewer"] });
    await expect(clientOf(tenant, viewer).apiKeys.list()).rejects.toMatchObject({
      status: 403,
      errExtra: { required_permission: "API Keys" },
    });
  });
});

describe("get_api_keys", () => {
  test.each(["upper", "lower"] as const)("every filter, %s-case replies, and paging", async (listCasing) => {
    await start({ listCasing, pageSize: 2 });
    const now = Date.now();
    const keys = [
      tenant.addKey({ roles: ["Viewer"], expiration: now + DAY }),
      tenant.addKey({ roles: ["Viewer", "Responder"], expiration: now + 2 * DAY }),
      tenant.addKey({ roles: ["Responder"], expiration: now + 3 * DAY }),
      tenant.addKey({ roles: ["Viewer"] }),
    ];
    const xsiam = clientOf(tenant);
    const ids = async (filter?: Parameters<typeof xsiam.apiKeys.list>[0]) =>
      (await xsiam.apiKeys.list(filter)).map((key) => key.id);
    const [a, b, c, d] = keys.map((key) => key.id);
    expect(await ids()).toEqual([tenant.rootKey.id, a, b, c, d]);
    expect(await ids({ roles: ["Viewer"] })).toEqual([a, b, d]);
    expect(await ids({ roles: ["Viewer", "Responder"] })).toEqual([b]);
    expect(await ids({ ids: [c ?? 0, d ?? 0, 9_999] })).toEqual([c, d]);
    expect(await ids({ expiresAfter: now + 2 * DAY })).toEqual([tenant.rootKey.id, b, c, d]);
    expect(await ids({ expiresBefore: now + 2 * DAY })).toEqual([a, b]);
    const raw = await post(tenant, "get_api_keys", signed(tenant.rootKey), {
      request_data: { search_from: 2, search_to: 4 },
    });
    expect(raw.body).toEqual({
      reply:
        listCasing === "upper"
          ? {
              DATA: [expect.objectContaining({ id: b }), expect.objectContaining({ id: c })],
              FILTER_COUNT: 5,
              TOTAL_COUNT: 5,
            }
          : {
              data: [expect.objectContaining({ id: b }), expect.objectContaining({ id: c })],
              filter_count: 5,
              total_count: 5,
            },
    });
  });

  test("a wrong field/operator pair is a 400", async () => {
    await start();
    const { status } = await post(tenant, "get_api_keys", signed(tenant.rootKey), {
      request_data: { filters: [{ field: "expiration", operator: "in", value: [1] }] },
    });
    expect(status).toBe(400);
  });

  test("a path that does not exist under api_keys is a 500, as on the service", async () => {
    await start();
    expect((await post(tenant, "list", signed(tenant.rootKey), listAll)).status).toBe(500);
  });
});

test("each child tenant has its own keys", async () => {
  await start();
  const parent = clientOf(tenant);
  const child = clientOf(tenant, tenant.rootKey, { childTenantId: "child-7" });
  const { id } = await child.apiKeys.generate({ roles: ["Viewer"] });
  expect(tenant.keys("child-7").map((key) => key.id)).toEqual([id]);
  expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id]);
  expect((await parent.apiKeys.list()).map((key) => key.id)).toEqual([tenant.rootKey.id]);
  expect((await child.apiKeys.list()).map((key) => key.id)).toEqual([id]);
});

describe("the rate limit", () => {
  test("the 11th request within a sliding second is a 429; 10 are not", async () => {
    await start({ rateLimit: 10 });
    const statuses = await Promise.all(
      Array.from({ length: 11 }, () =>
        post(tenant, "get_api_keys", signed(tenant.rootKey), listAll).then((r) => r.status),
      ),
    );
    expect(statuses.filter((status) => status === 429)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
  });

  test("it can be turned off", async () => {
    await start({ rateLimit: false });
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () =>
        post(tenant, "get_api_keys", signed(tenant.rootKey), listAll).then((r) => r.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
  });
});

describe("faults", () => {
  const generate = () =>
    post(tenant, "generate", signed(tenant.rootKey), {
      request_data: { roles: ["Viewer"], security_level: "advanced" },
    });

  test("refuse: answers before acting, so nothing is minted", async () => {
    await start();
    tenant.faults.inject("generate", { kind: "refuse", status: 502 });
    expect((await generate()).status).toBe(502);
    expect(tenant.keys()).toHaveLength(1);
    expect((await generate()).status).toBe(200);
    expect(tenant.keys()).toHaveLength(2);
  });

  test("drop-after, error-after and delay-after mint first", async () => {
    await start();
    tenant.faults.inject("generate", { kind: "drop-after" });
    await expect(generate()).rejects.toThrow();
    tenant.faults.inject("generate", { kind: "error-after", status: 503 });
    expect((await generate()).status).toBe(503);
    tenant.faults.inject("generate", { kind: "delay-after", ms: 300 });
    const started = Date.now();
    expect((await generate()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(tenant.keys()).toHaveLength(4);
  });

  test("scheduled by call number, per operation", async () => {
    await start();
    tenant.faults.inject("generate", { kind: "refuse", status: 429 }, { calls: [2, 4] });
    const statuses = [];
    for (let call = 1; call <= 5; call++) statuses.push((await generate()).status);
    expect(statuses).toEqual([200, 429, 200, 429, 200]);
    expect(tenant.faults.calls()).toEqual({ generate: 5, delete: 0, list: 0 });
  });
});

test("a clock seven minutes off: the service refuses advanced signatures, and its Date header shows its time", async () => {
  await start({ now: () => Date.now() + 7 * 60_000 });
  const error = await clientOf(tenant)
    .apiKeys.list()
    .catch((caught) => caught);
  expect(error).toMatchObject({ status: 401 });
  expect(Math.round((error.serverDate.getTime() - Date.now()) / 60_000)).toBe(7);
  expect(error.hint).toBe(
    "This machine's clock is 7 minutes behind the service's (its Date header); advanced keys are refused beyond about five minutes",
  );
});
