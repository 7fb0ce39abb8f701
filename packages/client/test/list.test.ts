// apiKeys.list and apiKeys.get against a local server that answers get_api_keys the way real
// tenants do (upper-case names) or the way the vendor's schema says (lower case), with paging,
// and with the replies a broken service or proxy could send.
import type { ServerResponse } from "node:http";
import {
  type PrismContext,
  type ReceivedRequest,
  startServer,
  type TestServer,
} from "@xsiam-sdk/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import {
  type ApiKeyInfo,
  createXsiamClient,
  type XsiamClient,
  type XsiamClientSettings,
  XsiamValidationError,
} from "../src/index.js";
import { rejectionOf } from "./helpers.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 23);

/** A key as the service lists it. */
function item(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    creation_time: NOW - id * DAY,
    created_by: "N/A",
    user_name: `Public API - ${id}`,
    roles: id % 2 ? ["Viewer"] : ["Viewer", "Responder"],
    security_level: id % 3 ? "advanced" : "standard",
    comment: id % 5 ? `job ${id}` : null,
    expiration: id % 4 ? NOW + id * DAY : null,
    ...overrides,
  };
}

type Casing = "upper" | "lower";
const replyOf = (casing: Casing, data: unknown[], filterCount: number, totalCount = filterCount) =>
  casing === "upper"
    ? { reply: { DATA: data, FILTER_COUNT: filterCount, TOTAL_COUNT: totalCount } }
    : { reply: { data, filter_count: filterCount, total_count: totalCount } };

let server: TestServer;
let answer: (request: ReceivedRequest, response: ServerResponse) => void;
beforeAll(async () => {
  server = await startServer((request, response) => answer(request, response));
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
});

const send = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
const bodies = () => server.received.map((request) => JSON.parse(request.body).request_data);

function client(settings: Partial<XsiamClientSettings> = {}): XsiamClient {
  return createXsiamClient({
    baseUrl: server.url,
    apiKey: "list-test-key",
    apiKeyId: 1,
    rateLimit: false,
    retryBaseDelayMs: 5,
    ...settings,
  });
}

/** A tenant of `count` keys that pages as the service does: `search_from` to `search_to`, 100 by default. */
function pagingTenant(casing: Casing, count: number, { honoursPaging = true } = {}) {
  const keys = Array.from({ length: count }, (_, index) => item(index + 1));
  answer = (request, response) => {
    const { search_from: from = 0, search_to: to = from + 100 } = JSON.parse(request.body).request_data;
    const page = honoursPaging ? keys.slice(from, to) : keys.slice(0, 100);
    send(response, 200, replyOf(casing, page, count));
  };
}

describe.each(["upper", "lower"] as const)("%s-case replies", (casing) => {
  test("are read into ApiKeyInfo, in camel case, with dates", async () => {
    answer = (_request, response) => send(response, 200, replyOf(casing, [item(4), item(7)], 2, 9));
    const keys = await client().apiKeys.list();
    expect(keys).toEqual<ApiKeyInfo[]>([
      {
        id: 4,
        roles: ["Viewer", "Responder"],
        securityLevel: "advanced",
        comment: "job 4",
        marker: null,
        createdAt: new Date(NOW - 4 * DAY),
        expiresAt: null,
        createdBy: "N/A",
        userName: "Public API - 4",
      },
      {
        id: 7,
        roles: ["Viewer"],
        securityLevel: "advanced",
        comment: "job 7",
        marker: null,
        createdAt: new Date(NOW - 7 * DAY),
        expiresAt: new Date(NOW + 7 * DAY),
        createdBy: "N/A",
        userName: "Public API - 7",
      },
    ]);
    expect(bodies()).toEqual([{}]);
  });

  test("an empty list is an empty array", async () => {
    answer = (_request, response) => send(response, 200, replyOf(casing, [], 0, 12));
    await expect(client().apiKeys.list({ roles: ["Nobody"] })).resolves.toEqual([]);
  });

  test("more keys than a page: the rest are fetched with search_from/search_to", async () => {
    pagingTenant(casing, 250);
    const keys = await client().apiKeys.list();
    expect(keys.map((key) => key.id)).toEqual(Array.from({ length: 250 }, (_, index) => index + 1));
    expect(bodies()).toEqual([
      {},
      { search_from: 100, search_to: 200 },
      { search_from: 200, search_to: 300 },
    ]);
  });

  test("a service that ignores paging ends the loop, and the call fails rather than return part of the list", async () => {
    pagingTenant(casing, 250, { honoursPaging: false });
    const error = await rejectionOf(client().apiKeys.list());
    expect(error).toMatchObject({ name: "XsiamApiError", operation: "getApiKeys", status: 200 });
    expect((error as Error).message).toContain(
      "not the documented reply: 250 keys match, but the pages (search_from/search_to) brought only 100",
    );
    expect(server.received).toHaveLength(2);
  });
});

describe("what is sent", () => {
  beforeEach(() => {
    answer = (_request, response) => send(response, 200, replyOf("upper", [], 0));
  });

  test("each part of the filter, combined with AND; each role is a filter of its own", async () => {
    await client().apiKeys.list({
      ids: [5, 7, 5],
      roles: ["Viewer", "Responder"],
      expiresAfter: new Date(NOW),
      expiresBefore: NOW + 30 * DAY,
    });
    expect(bodies()).toEqual([
      {
        filters: [
          { field: "id", operator: "in", value: [5, 7] },
          { field: "roles", operator: "contains", value: ["Viewer"] },
          { field: "roles", operator: "contains", value: ["Responder"] },
          { field: "expiration", operator: "gte", value: NOW },
          { field: "expiration", operator: "lte", value: NOW + 30 * DAY },
        ],
      },
    ]);
  });

  test("get(id) asks for that id", async () => {
    await client().apiKeys.get(85);
    expect(bodies()).toEqual([{ filters: [{ field: "id", operator: "in", value: [85] }] }]);
  });
});

test("every key returned matches the filter, even from a service that ignored part of it", async () => {
  const all = Array.from({ length: 12 }, (_, index) => item(index + 1));
  answer = (_request, response) => send(response, 200, replyOf("upper", all, all.length));
  const keys = await client().apiKeys.list({ roles: ["Responder"], expiresBefore: NOW + 8 * DAY });
  // Even ids have Responder; ids divisible by 4 never expire; the rest expire id days from NOW.
  expect(keys.map((key) => key.id)).toEqual([2, 6]);
});

test("get(id) is the key, or undefined", async () => {
  answer = (request, response) => {
    const [filter] = JSON.parse(request.body).request_data.filters;
    send(
      response,
      200,
      replyOf("lower", filter.value[0] === 3 ? [item(3)] : [], filter.value[0] === 3 ? 1 : 0),
    );
  };
  await expect(client().apiKeys.get(3)).resolves.toMatchObject({ id: 3, userName: "Public API - 3" });
  await expect(client().apiKeys.get(4)).resolves.toBeUndefined();
});

test("list is retried like delete: it only reads", async () => {
  let calls = 0;
  answer = (_request, response) =>
    ++calls === 1 ? send(response, 503, {}) : send(response, 200, replyOf("upper", [item(1)], 1));
  await expect(client().apiKeys.list()).resolves.toHaveLength(1);
  expect(server.received).toHaveLength(2);
});

describe("a reply that is not the documented shape", () => {
  test.each<[string, unknown, string]>([
    ["no counts", { reply: { DATA: [] } }, "the reply lacks DATA, FILTER_COUNT and TOTAL_COUNT"],
    ["mixed casing", { reply: { DATA: [], filter_count: 0, total_count: 0 } }, "lacks DATA, FILTER_COUNT"],
    ["data that is not a list", { reply: { data: {}, filter_count: 0, total_count: 0 } }, "lacks data"],
    ["an id of 0", replyOf("upper", [item(1, { id: 0 })], 1), "DATA[0] has no positive integer id"],
    [
      "roles that are not names",
      replyOf("lower", [item(1, { roles: [1] })], 1),
      "data[0] has no list of role names",
    ],
    [
      "an unknown level",
      replyOf("upper", [item(1, { security_level: "paranoid" })], 1),
      "unknown security_level",
    ],
    [
      "an expiration in text",
      replyOf("upper", [item(1, { expiration: "soon" })], 1),
      "DATA[0] has an expiration",
    ],
    ["a comment that is a number", replyOf("upper", [item(1, { comment: 5 })], 1), "DATA[0] has a comment"],
    ["no creation time", replyOf("upper", [item(1, { creation_time: undefined })], 1), "no creation_time"],
    ["a negative count", { reply: { DATA: [], FILTER_COUNT: -1, TOTAL_COUNT: 0 } }, "lacks DATA"],
  ])("%s", async (_label, body, problem) => {
    answer = (_request, response) => send(response, 200, body);
    const error = await rejectionOf(client().apiKeys.list());
    expect(error).toMatchObject({ name: "XsiamApiError", status: 200, operation: "getApiKeys" });
    expect((error as Error).message).toContain("not the documented reply: ");
    expect((error as Error).message).toContain(problem);
  });

  test("an item that carries a key never hands it on", async () => {
    answer = (_request, response) =>
      send(response, 200, replyOf("upper", [item(1, { key: "lEaKeD-kEy-from-a-bad-proxy" })], 1));
    const keys = await client().apiKeys.list();
    expect(JSON.stringify(keys)).not.toContain("lEaKeD");
    expect(Object.keys(keys[0] ?? {})).not.toContain("key");
  });
});

describe("bad filters are an XsiamValidationError, and nothing is sent", () => {
  test.each<[string, unknown, string, RegExp]>([
    ["not an object", "ids=5", "filter", /must be an object/],
    [
      "an unknown part",
      { id: [5] },
      "filter.id",
      /is not a filter; use ids, roles, expiresAfter or expiresBefore/,
    ],
    ["empty ids", { ids: [] }, "filter.ids", /got an empty array/],
    ["a string id", { ids: ["5"] }, "filter.ids[0]", /must be a number, not a string \(got "5"; write 5\)/],
    ["an id of 0", { ids: [0] }, "filter.ids[0]", /positive integer/],
    ["an empty role", { roles: ["Viewer", " "] }, "filter.roles[1]", /role name/],
    [
      "a date in text",
      { expiresAfter: "2026-12-01" },
      "filter.expiresAfter",
      /valid Date or integer epoch milliseconds/,
    ],
    ["an invalid Date", { expiresBefore: new Date("nope") }, "filter.expiresBefore", /valid Date/],
    [
      "epoch seconds",
      { expiresAfter: 1796067888 },
      "filter.expiresAfter",
      /looks like seconds: multiply by 1000/,
    ],
    [
      "after later than before",
      { expiresAfter: NOW + DAY, expiresBefore: NOW },
      "filter.expiresAfter",
      /later than/,
    ],
  ])("%s", async (_label, filter, field, reason) => {
    const error = await rejectionOf(client().apiKeys.list(filter as never));
    expect(error).toBeInstanceOf(XsiamValidationError);
    expect(error).toMatchObject({ field, reason: expect.stringMatching(reason) });
    expect(server.received).toHaveLength(0);
  });

  test("get with an id that is not one", async () => {
    const error = await rejectionOf(client().apiKeys.get("85" as never));
    expect(error).toMatchObject({ name: "XsiamValidationError", field: "id" });
    expect(server.received).toHaveLength(0);
  });
});

describe("against the Prism mock of the spec", () => {
  const prism = () =>
    createXsiamClient({ baseUrl: inject("prismUrl") as PrismContext["prismUrl"], apiKey: "k", apiKeyId: 1 });

  test.each([
    ["upperCase", [25, 85]],
    ["lowerCase", [25]],
  ])("the %s example", async (example, ids) => {
    const keys = await prism().apiKeys.list(undefined, { headers: { Prefer: `example=${example}` } });
    expect(keys.map((key) => key.id)).toEqual(ids);
    expect(keys[0]).toEqual({
      id: 25,
      roles: ["default"],
      securityLevel: "standard",
      comment: null,
      marker: null,
      createdAt: new Date(1721149909250),
      expiresAt: null,
      createdBy: "N/A",
      userName: "Public API - 21",
    });
  });

  test("a filter the mock accepts; the example's other key is not listed", async () => {
    const keys = await prism().apiKeys.list({ ids: [85], roles: ["Viewer"], expiresAfter: 1 });
    expect(keys.map((key) => key.id)).toEqual([85]);
  });
});
