// The fake tenant cannot drift from the spec: every request it accepts and every response it sends
// in a broad run of flows is validated against spec/openapi.yaml by Prism's validator (the
// OpenAPI 3.1 request and response validator of @stoplight/prism-http).

import { getHttpOperationsFromSpec } from "@stoplight/prism-http";
import { validateInput, validateOutput } from "@stoplight/prism-http/dist/validator/index.js";
import { specFile } from "@xsiam-sdk/test-support";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createFakeTenant, type Exchange, type FakeTenant } from "../src/index.js";
import { clientOf, post, signed } from "./helpers.js";

type IHttpOperation = Awaited<ReturnType<typeof getHttpOperationsFromSpec>>[number];
const DAY = 86_400_000;
const exchanges: Exchange[] = [];
let operations: IHttpOperation[];
const tenants: FakeTenant[] = [];

async function tenantWith(options: Parameters<typeof createFakeTenant>[0] = {}): Promise<FakeTenant> {
  const tenant = await createFakeTenant({
    rateLimit: false,
    onExchange: (exchange) => exchanges.push(exchange),
    ...options,
  });
  tenants.push(tenant);
  return tenant;
}

beforeAll(async () => {
  operations = await getHttpOperationsFromSpec(specFile);
  for (const listCasing of ["upper", "lower"] as const) {
    const tenant = await tenantWith({ listCasing, pageSize: 3 });
    const xsiam = clientOf(tenant);
    const made = [];
    for (const [index, securityLevel] of (
      ["advanced", "standard", "advanced", "standard"] as const
    ).entries()) {
      made.push(
        await xsiam.apiKeys.generate({
          roles: index % 2 ? ["Viewer", "Responder"] : ["Viewer"],
          securityLevel,
          ...(index > 1 && { expiration: Date.now() + (index + 1) * DAY, comment: `job ${index}` }),
        }),
      );
    }
    await xsiam.apiKeys.list();
    await xsiam.apiKeys.list({
      roles: ["Viewer"],
      expiresAfter: Date.now(),
      expiresBefore: Date.now() + 30 * DAY,
    });
    await xsiam.apiKeys.get(made[0]?.id ?? 0);
    await xsiam.apiKeys.delete(made.map((key) => key.id));
    // Errors the service sends: each documented status but 402.
    const viewer = tenant.addKey({ roles: ["Viewer"] });
    await clientOf(tenant, viewer)
      .apiKeys.list()
      .catch(() => undefined); // 403
    const minted = tenant.addKey({ roles: ["Instance Administrator"], createdViaApi: true });
    await clientOf(tenant, minted)
      .apiKeys.generate({ roles: ["Viewer"] })
      .catch(() => undefined); // 403
    await post(
      tenant,
      "get_api_keys",
      { ...signed(tenant.rootKey), authorization: "0".repeat(64) },
      { request_data: {} },
    ); // 401
    await post(tenant, "generate", signed(tenant.rootKey), { request_data: { roles: [] } }); // 400
    await fetch(`${tenant.baseUrl}/public_api/v1/api_keys/delete`, {
      method: "POST",
      headers: signed(tenant.rootKey),
      body: "x".repeat((1 << 20) + 1),
    }); // 413
    await post(tenant, "list", signed(tenant.rootKey), { request_data: {} }); // 500: no such endpoint
  }
  const limited = await tenantWith({ rateLimit: 2 });
  await Promise.all(
    [1, 2, 3].map(() => post(limited, "get_api_keys", signed(limited.rootKey), { request_data: {} })),
  ); // 429
}, 60_000);

afterAll(async () => {
  await Promise.all(tenants.map((tenant) => tenant.close()));
});

const operationOf = (exchange: Exchange) =>
  operations.find((operation) => exchange.path === operation.path && operation.method === "post");
const failures = (result: { _tag: string; left?: Array<{ message: string }> }) =>
  result._tag === "Left" ? (result.left ?? []).map((diagnostic) => diagnostic.message) : [];
// Exchanges whose answer is the service's: not a fault's, and for one of the spec's paths.
const answered = () => exchanges.filter((exchange) => exchange.fault === undefined && operationOf(exchange));

test("the run covers every operation and every documented status but 402", () => {
  const seen = new Set(answered().map((exchange) => `${exchange.operation} ${exchange.status}`));
  for (const expected of [
    "generate 200",
    "list 200",
    "delete 200",
    "generate 403",
    "list 403",
    "list 401",
    "generate 400",
    "delete 413",
    "list 429",
  ]) {
    expect(seen).toContain(expected);
  }
  expect(answered().length).toBeGreaterThan(30);
});

test("every request the tenant accepted is valid against the spec", () => {
  const accepted = answered().filter((exchange) => exchange.status >= 200 && exchange.status < 300);
  expect(accepted.length).toBeGreaterThan(20);
  for (const exchange of accepted) {
    const resource = operationOf(exchange) as IHttpOperation;
    const element = {
      method: "post" as const,
      url: { path: exchange.path },
      headers: exchange.requestHeaders,
      body: exchange.requestBody,
    };
    expect(failures(validateInput({ resource, element })), `${exchange.operation} request`).toEqual([]);
  }
});

test("every response the tenant sent is valid against the spec", () => {
  for (const exchange of answered()) {
    const resource = operationOf(exchange) as IHttpOperation;
    const element = {
      statusCode: exchange.status,
      headers: { "content-type": "application/json" },
      body: exchange.responseBody,
    };
    expect(
      failures(validateOutput({ resource, element })),
      `${exchange.operation} ${exchange.status}`,
    ).toEqual([]);
  }
});

test("the validator does catch a drift: a reply with a key in the wrong field fails", () => {
  const resource = operations.find((operation) => operation.iid === "generateApiKey") as IHttpOperation;
  const element = {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: { reply: { id: 1 } },
  };
  expect(failures(validateOutput({ resource, element }))).not.toEqual([]);
});
