import type { ServerResponse } from "node:http";
import { getFreePort, type PrismContext, startServer, type TestServer } from "@xsiam-sdk/test-support";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import {
  createXsiamClient,
  XsiamAbortError,
  XsiamApiError,
  type XsiamClient,
  XsiamError,
  XsiamNetworkError,
} from "../src/index.js";
import { sixMonthsAfter } from "../src/internal/validate.js";
import { expectNoSecrets, rejectionOf } from "./helpers.js";

const prismUrl: PrismContext["prismUrl"] = inject("prismUrl");
const SECRET = "errors-sEcReT-77aa";
const EXAMPLE_KEY = "oZFaXmXCLCdoWIXTb9ITSqUvl4OBLsUQgCeuZc5FdwMpmpY5QBn8OUePZiLMb";

const client = (baseUrl: string): XsiamClient =>
  // The errors a failed call produces; what a failed generate does next is in reconcile.test.ts.
  createXsiamClient({ baseUrl, apiKey: SECRET, apiKeyId: 2841, reconcileGenerate: false });
const generate = (xsiam: XsiamClient, headers?: Record<string, string>) =>
  rejectionOf(xsiam.apiKeys.generate({ roles: ["Viewer"] }, { headers }));
const remove = (xsiam: XsiamClient, headers?: Record<string, string>) =>
  rejectionOf(xsiam.apiKeys.delete([121], { headers }));

describe("error statuses from the mock become XsiamApiError with the service's fields and a hint", () => {
  const prism = client(prismUrl);

  test.each<[number, string, RegExp | undefined]>([
    [400, "Invalid request", undefined],
    [
      401,
      "Public API request unauthorized",
      /^Signed as an advanced key: check that the key has that level, apiKeyId, the key's expiry and this machine's clock$/,
    ],
    [402, "Missing license", /license/],
    [
      403,
      "An API Key created in a public API call cannot generate new API Keys",
      /created by the API cannot create keys/,
    ],
    [413, "Request entity too large", undefined],
    [429, "Too many requests", /10 requests per second/],
    [500, "Internal server error", /A key may have been created/],
  ])("%i on generate", async (status, errMsg, hint) => {
    const error = await generate(prism, { Prefer: `code=${status}` });
    expect(error).toBeInstanceOf(XsiamApiError);
    expect(error).toBeInstanceOf(XsiamError);
    expect(error).toMatchObject({
      name: "XsiamApiError",
      status,
      errCode: status,
      errMsg,
      operation: "generateApiKey",
    });
    if (hint) expect((error as XsiamApiError).hint).toMatch(hint);
    else expect((error as XsiamApiError).hint).toBeUndefined();
    expect((error as Error).message).toContain(`generateApiKey failed with HTTP ${status}: ${errMsg}`);
    expectNoSecrets(error, [SECRET]);
  });

  test("403 for a missing permission keeps err_extra and explains roles", async () => {
    const error = await remove(prism, { Prefer: "code=403, example=missingPermission" });
    expect(error).toMatchObject({
      status: 403,
      errMsg: "Insufficient permissions",
      errExtra: { required_permission: "API Keys" },
    });
    expect((error as XsiamApiError).hint).toBe("The key's role lacks this permission");
  });

  test("500 on delete says it is safe to retry", async () => {
    const error = await remove(prism, { Prefer: "code=500" });
    expect((error as XsiamApiError).hint).toBe("Deleting is safe to retry");
    expect(error).toMatchObject({ errExtra: [] });
  });

  test("401 when the key is rejected (no auth headers reach the mock)", async () => {
    const unsigned = createXsiamClient({
      baseUrl: prismUrl,
      apiKey: SECRET,
      apiKeyId: 2841,
      fetch: (input, init) => {
        const headers = new Headers(init.headers);
        headers.delete("authorization");
        return fetch(input, { ...init, headers });
      },
    });
    const error = await remove(unsigned);
    expect(error).toMatchObject({
      status: 401,
      errCode: 401,
      errMsg: "Public API request unauthorized",
      errExtra: null,
    });
  });
});

describe("bodies only a real deployment or a proxy sends", () => {
  let server: TestServer;
  let answer: (response: ServerResponse) => void;

  beforeAll(async () => {
    server = await startServer((_request, response) => answer(response));
  });
  afterAll(() => server.close());

  const respond =
    (status: number, body: string, contentType = "application/json") =>
    (response: ServerResponse) => {
      response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
      response.end(body);
    };

  test.each<[string, (response: ServerResponse) => void, Partial<XsiamApiError>]>([
    [
      "an HTML page from a proxy",
      respond(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
      { status: 502, errMsg: undefined, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" },
    ],
    ["an empty body", respond(500, ""), { status: 500, errMsg: undefined, body: undefined }],
    [
      "truncated JSON",
      respond(400, '{"reply":{"err_code":400,"err_m'),
      { status: 400, body: '{"reply":{"err_code":400,"err_m' },
    ],
    [
      "the data envelope",
      respond(
        401,
        JSON.stringify({
          data: { err_msg: "Unauthorized", metadata: { err_code: 401, err_extra: "key expired" } },
        }),
      ),
      { status: 401, errCode: 401, errMsg: "Unauthorized", errExtra: "key expired", body: undefined },
    ],
    [
      "err_code as a string",
      respond(403, JSON.stringify({ reply: { err_code: "403", err_msg: "Forbidden", err_extra: null } })),
      { status: 403, errCode: "403", errMsg: "Forbidden", errExtra: null },
    ],
    [
      "JSON that is not an envelope",
      respond(404, JSON.stringify({ message: "no route" })),
      { status: 404, errMsg: undefined, body: '{"message":"no route"}' },
    ],
  ])("%s", async (_label, handler, expected) => {
    answer = handler;
    const error = await remove(client(server.url));
    expect(error).toBeInstanceOf(XsiamApiError);
    expect(error).toMatchObject(expected);
  });

  test("a very long body is cut to 2,000 characters", async () => {
    answer = respond(502, "x".repeat(10_000), "text/plain");
    const error = (await remove(client(server.url))) as XsiamApiError;
    expect(error.body).toHaveLength(2_001);
  });

  test("404 hints at the host or path", async () => {
    answer = respond(404, "Not Found", "text/plain");
    expect(((await remove(client(server.url))) as XsiamApiError).hint).toMatch(/Wrong host or path/);
  });

  test.each([
    ["not JSON", "<html>welcome</html>"],
    ["truncated JSON that holds a key", `{"reply":{"id":4267,"key":"${EXAMPLE_KEY}`],
    ["empty", ""],
  ])("a 200 to generate whose body is %s: an error that never includes the body", async (_label, body) => {
    answer = respond(200, body);
    const error = await generate(client(server.url));
    expect(error).toMatchObject({ name: "XsiamApiError", status: 200, body: undefined });
    expect((error as XsiamApiError).hint).toMatch(/A key may have been created/);
    expectNoSecrets(error, [SECRET, EXAMPLE_KEY]);
  });

  test.each([
    ["no reply", { ok: true }],
    ["an id that is a string", { reply: { id: "4267", key: EXAMPLE_KEY } }],
    ["no key", { reply: { id: 4267 } }],
  ])("a 200 to generate with %s", async (_label, body) => {
    answer = respond(200, JSON.stringify(body));
    const error = await generate(client(server.url));
    expect(error).toMatchObject({ name: "XsiamApiError", status: 200 });
    expectNoSecrets(error, [EXAMPLE_KEY]);
  });

  test("a 200 to delete without update_count", async () => {
    answer = respond(200, JSON.stringify({ reply: { deleted: 1 } }));
    expect(await remove(client(server.url))).toMatchObject({
      status: 200,
      message: expect.stringMatching(/update_count/),
    });
  });
});

describe("failures before a response", () => {
  test("a refused connection is an XsiamNetworkError with the cause", async () => {
    const port = await getFreePort();
    const error = await remove(client(`http://127.0.0.1:${port}`));
    expect(error).toBeInstanceOf(XsiamNetworkError);
    expect((error as Error).message).toBe(
      `deleteApiKeys: could not reach 127.0.0.1:${port} (ECONNREFUSED) [after 3 attempts]`,
    );
    expect(error).toMatchObject({ attempts: 3, maxAttempts: 3 });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expectNoSecrets(error, [SECRET]);
  });

  test("an aborted signal is an XsiamAbortError with the signal's reason", async () => {
    const controller = new AbortController();
    controller.abort(new Error("user cancelled"));
    const error = await rejectionOf(client(prismUrl).apiKeys.delete([1], { signal: controller.signal }));
    expect(error).toBeInstanceOf(XsiamAbortError);
    expect((error as Error).cause).toEqual(new Error("user cancelled"));
  });
});

describe("six months ahead", () => {
  test.each([
    ["2026-01-15T10:00:00.000Z", "2026-07-15T10:00:00.000Z"],
    ["2026-08-31T00:00:00.000Z", "2027-02-28T00:00:00.000Z"],
    ["2027-08-31T00:00:00.000Z", "2028-02-29T00:00:00.000Z"],
    ["2026-12-31T23:59:59.999Z", "2027-06-30T23:59:59.999Z"],
  ])("after %s is %s", (from, expected) => {
    expect(new Date(sixMonthsAfter(Date.parse(from))).toISOString()).toBe(expected);
  });
});

test("a port fetch refuses is named, and not tried again: it would fail again", async () => {
  // Port 9 is on fetch's list of blocked ports: undici refuses it without connecting.
  const error = await remove(client("http://127.0.0.1:9"));
  expect(error).toBeInstanceOf(XsiamNetworkError);
  expect((error as Error).message).toBe(
    "deleteApiKeys: could not reach 127.0.0.1:9 (bad port), so nothing was sent; not retried, as it would fail again. fetch refuses to connect to this port (a port of another protocol, like 6000 for X11): use the tenant's own port",
  );
  expect(error).toMatchObject({ attempts: 1, requestSent: false });
});

test.each([
  ["ENOTFOUND", 1, "could not reach 127.0.0.1:1 (ENOTFOUND), so nothing was sent; not retried"],
  ["EAI_AGAIN", 3, "could not reach 127.0.0.1:1 (EAI_AGAIN) [after 3 attempts]"],
])(
  "a DNS answer of %s is tried %i time(s): a name that does not exist does not appear on retry",
  async (code, tries, message) => {
    let calls = 0;
    const xsiam = createXsiamClient({
      baseUrl: "http://127.0.0.1:1",
      apiKey: SECRET,
      apiKeyId: 2841,
      retryBaseDelayMs: 1,
      fetch: async () => {
        calls++;
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error(`getaddrinfo ${code} tenant.example`), { code }),
        });
      },
    });
    const error = await remove(xsiam);
    expect(error).toBeInstanceOf(XsiamNetworkError);
    expect((error as Error).message).toContain(message);
    expect(calls).toBe(tries);
  },
);
