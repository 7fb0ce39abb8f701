// The hardening items of issue #10, one describe per item, each against a node:http server on
// 127.0.0.1. Every test here fails without the fix it names.
import type { ServerResponse } from "node:http";
import { inspect } from "node:util";
import { createGzip, gzipSync } from "node:zlib";
import { type Fault, faults, startServer, type TestServer } from "@xsiam-sdk/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  createRateLimiter,
  createXsiamClient,
  createXsiamClientFromEnv,
  type GenerateApiKeyInput,
  type ResponseEvent,
  XsiamAbortError,
  XsiamApiError,
  type XsiamClient,
  type XsiamClientOptions,
  XsiamNetworkError,
  XsiamValidationError,
} from "../src/index.js";
import { expectNoSecrets, rejectionOf } from "./helpers.js";

// A standard key with the characters that JSON, URLs and HTML escape: `/`, `+`, `=`, `&`.
const KEY = "hArDeN/ed+KeY&9f=2c/77";
const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;

let server: TestServer;
let plan: Fault[] = [];
beforeAll(async () => {
  server = await startServer((request, response, socket) =>
    (plan.shift() ?? faults.json(200, { reply: { update_count: 1 } }))(response, socket, request),
  );
});
afterAll(() => server.close());
beforeEach(() => {
  plan = [];
  server.received.length = 0;
});

function client(settings: Partial<XsiamClientOptions> = {}): XsiamClient {
  return createXsiamClient({
    baseUrl: server.url,
    apiKey: KEY,
    apiKeyId: 2841,
    securityLevel: "standard",
    rateLimit: false,
    retryBaseDelayMs: 5,
    // The transport's behaviour; what a failed generate does next is in reconcile.test.ts.
    reconcileGenerate: false,
    ...settings,
  } as XsiamClientOptions);
}

/** `bytes` of zeros, gzipped twice, without ever holding them: a few kilobytes that inflate to `bytes`. */
async function gzipBomb(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on("data", (chunk: Buffer) => parts.push(chunk));
  const zeros = Buffer.alloc(1 << 20);
  for (let written = 0; written < bytes; written += zeros.length) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once("drain", resolve));
  }
  await new Promise((resolve) => gzip.end(resolve));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

describe("1. a compressed body is capped after decoding", () => {
  let bomb: Buffer;
  beforeAll(async () => {
    bomb = await gzipBomb(512 << 20);
  }, 60_000);

  test.each([
    ["with Content-Length", true],
    ["chunked", false],
  ])(
    "a body that inflates to 512 MiB (%s) is an XsiamApiError, and memory stays bounded",
    async (_label, declared) => {
      expect(bomb.length).toBeLessThan(64 * 1024);
      plan = [
        (response: ServerResponse) => {
          response.writeHead(200, {
            "content-type": "application/json",
            "content-encoding": "gzip, gzip",
            ...(declared && { "content-length": bomb.length }),
          });
          response.end(bomb);
        },
      ];
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 2);
      try {
        const error = await rejectionOf(client().apiKeys.delete([1]));
        expect(error).toBeInstanceOf(XsiamApiError);
        expect((error as Error).message).toContain("the body exceeds 1 MiB");
      } finally {
        clearInterval(sampler);
      }
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(peak - before).toBeLessThan(64 << 20);
    },
    60_000,
  );
});

describe("2. a secret in a response header reaches neither the logger nor the hooks", () => {
  test.each(["standard", "advanced"] as const)("%s key", async (securityLevel) => {
    plan = [faults.echoInHeaders(faults.json(200, { reply: { update_count: 1 } }))];
    const seen: unknown[] = [];
    const responses: ResponseEvent[] = [];
    await client({
      securityLevel,
      logger: { debug: (message, details) => seen.push(message, details) },
      onRequest: (event) => seen.push(event),
      onResponse: (event) => responses.push(event),
    }).apiKeys.delete([1], { headers: { "x-forwarded-authorization": `copy of ${KEY}` } });
    const signature = String(server.received[0]?.headers.authorization);
    expect(signature).toEqual(securityLevel === "standard" ? KEY : expect.stringMatching(/^[0-9a-f]{64}$/));
    const [event] = responses;
    expect(event?.headers["x-echo-authorization"]).toBe("[redacted]");
    // Percent-encoded inside a longer value: the whole value goes.
    expect(event?.headers["x-debug-request"]).toBe("[redacted]");
    expect(event?.headers["content-type"]).toBe("application/json");
    const logged = inspect([seen, responses], { depth: 10 });
    for (const secret of [signature, encodeURIComponent(signature)]) expect(logged).not.toContain(secret);
    // A request header of the caller's that holds the key the call is signed with is redacted
    // too, by its value (an advanced key itself never travels, so only its signature is a
    // secret of the call).
    if (securityLevel === "standard") expect(logged).toContain("'x-forwarded-authorization': '[redacted]'");
  });
});

describe("3. a JSON-escaped echo of the key reaches no error", () => {
  test.each([
    ["every character as \\uXXXX, and / as \\/", faults.echoEscaped(401)],
    [
      "percent-encoded in an HTML page",
      ((response, _socket, request) =>
        response
          .writeHead(400, { "content-type": "text/html" })
          .end(`<p>bad key ${encodeURIComponent(String(request.headers.authorization))}</p>`)) as Fault,
    ],
    [
      "as HTML character references",
      ((response, _socket, request) =>
        response
          .writeHead(400, { "content-type": "text/html" })
          .end(
            `<p>bad key ${String(request.headers.authorization).replace(/[/&+=]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`,
          )) as Fault,
    ],
  ])("%s", async (_label, fault) => {
    plan = [fault];
    const error = await rejectionOf(client().apiKeys.delete([1]));
    expect(error).toBeInstanceOf(XsiamApiError);
    expectNoSecrets(error, [KEY, encodeURIComponent(KEY)]);
    expect(JSON.stringify([(error as XsiamApiError).errExtra, (error as XsiamApiError).body])).toContain(
      "[redacted]",
    );
  });

  // Encoded whole, or inside longer base64 text at each of the three offsets a key can start at.
  const encoded: Array<[string, (key: string) => string]> = [
    ["base64", (key) => Buffer.from(key).toString("base64")],
    ["base64url", (key) => Buffer.from(key).toString("base64url")],
    ["hex", (key) => Buffer.from(key).toString("hex")],
    ["HEX", (key) => Buffer.from(key).toString("hex").toUpperCase()],
    ["Basic credentials", (key) => `Basic ${Buffer.from(`user:${key}`).toString("base64")}`],
    ["inside base64, offset 1", (key) => Buffer.from(`ab:${key}:x`).toString("base64")],
    ["inside base64, offset 2", (key) => Buffer.from(`a:${key}:x`).toString("base64")],
  ];
  test.each(encoded)(
    "echoed as %s, in the body and a header, reaches no error, log or hook",
    async (_label, encode) => {
      const echo = encode(KEY);
      plan = [
        ((response) =>
          response
            .writeHead(401, { "content-type": "application/json", "x-seen-auth": echo })
            .end(JSON.stringify({ reply: { err_code: 401, err_msg: `bad credentials ${echo}` } }))) as Fault,
      ];
      const seen: string[] = [];
      const log = (line: unknown, details?: unknown) =>
        void seen.push(inspect([line, details], { depth: 10 }));
      const error = await rejectionOf(
        client({
          logger: { debug: log, warn: log },
          onResponse: (event) => void seen.push(inspect(event, { depth: 10 })),
          maxRetries: 0,
        }).apiKeys.delete([1]),
      );
      expect(error).toBeInstanceOf(XsiamApiError);
      const printed = [
        String(error),
        JSON.stringify(error),
        inspect(error, { depth: 10, showHidden: true }),
        ...seen,
      ];
      // What encodes the key's bytes alone (the ends may mix in what surrounds it).
      const core = echo.replace(/^Basic /, "").slice(4, -4);
      for (const text of printed) expect(text).not.toContain(core);
      expect(String(error)).toContain("[redacted]");
    },
  );

  test("a raw caller gets the redacted body too", async () => {
    plan = [faults.echoEscaped(401)];
    const { error } = await client().raw.POST("/public_api/v1/api_keys/delete", {
      body: { request_data: { filters: [{ field: "id", operator: "in", value: [1] }] } },
    });
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(error).toMatchObject({ reply: { err_extra: { authorization: "[redacted]" } } });
  });
});

describe("4. redirects are not followed", () => {
  let target: TestServer;
  beforeAll(async () => {
    target = await startServer((request, response, socket) =>
      faults.json(200, { reply: { id: 666, key: "k".repeat(64) } })(response, socket, request),
    );
  });
  afterAll(() => target.close());

  test.each([301, 302, 303, 307, 308])(
    "a %i to another origin is an XsiamApiError naming its origin; nothing is sent there",
    async (status) => {
      plan = [faults.redirect(status, `${target.url}/steal/public_api/v1/api_keys/generate?session=s3cr3t`)];
      const error = await rejectionOf(
        client({ securityLevel: "advanced" }).apiKeys.generate({ roles: ["Viewer"] }),
      );
      expect(error).toBeInstanceOf(XsiamApiError);
      expect(error).toMatchObject({
        status,
        hint: expect.stringContaining(`pointed to ${target.url}; nothing was sent there`),
      });
      expect((error as Error).message).not.toMatch(/steal|s3cr3t/);
      expect(target.received).toHaveLength(0);
      expect(server.received).toHaveLength(1);
    },
  );
});

test.each([
  ["the key in hexadecimal", (key: string) => Buffer.from(key).toString("hex").slice(0, 60)],
  ["a key-like run of 40 letters and digits", (_key: string) => "q7fzk2lxn9".repeat(4)],
])("4. a redirect whose host holds %s: the origin the error names is redacted", async (_label, form) => {
  plan = [faults.redirect(302, `http://${form(KEY)}.evil.example/`)];
  const error = await rejectionOf(client().apiKeys.list());
  expect(error).toBeInstanceOf(XsiamApiError);
  expect((error as XsiamApiError).hint).toContain("pointed to http://[redacted].evil.example");
  // The message and hint are the client's words (the body is the service's, and keeps only the
  // call's secrets out, as every error body does).
  expect(`${(error as Error).message} ${(error as XsiamApiError).hint}`).not.toContain(form(KEY));
});

describe("5. a minted key in an error body reaches no error", () => {
  const minted = "Q7fzk2LxN9wq4TvY8rHs3mJc6pBd1gKe5aXuZ0oWiRnLtVyCbMhSjDfGePqAlUx9";
  test.each([
    ["in reply.key and quoted in err_msg", "reply"],
    ["quoted in err_msg only", "message"],
  ] as const)("%s", async (_label, where) => {
    plan = [faults.mintedInError(500, minted, where)];
    const error = await rejectionOf(client().apiKeys.generate({ roles: ["Viewer"] }));
    expect(error).toMatchObject({
      status: 500,
      errMsg: "key '[redacted]' was created, then the reply failed",
    });
    expectNoSecrets(error, [minted]);
  });

  test("in a proxy's text page", async () => {
    plan = [faults.json(502, `upstream said {"reply":{"id":5012,"key":"${minted}"}}`)];
    const error = await rejectionOf(client().apiKeys.generate({ roles: ["Viewer"] }));
    expectNoSecrets(error, [minted]);
  });

  test("an accepted generate keeps its key whole", async () => {
    plan = [faults.json(200, { reply: { id: 5012, key: minted } })];
    const { id, key } = await client().apiKeys.generate({ roles: ["Viewer"] });
    expect([id, key]).toEqual([5012, minted]);
  });
});

describe("6. raw calls follow the client's rules", () => {
  const body = { request_data: { filters: [{ field: "id" as const, operator: "in" as const, value: [1] }] } };

  test("a per-request baseUrl on a remote http host is refused before anything is sent", async () => {
    const sent: string[] = [];
    const xsiam = client({
      fetch: (url) => {
        sent.push(url);
        return fetch(url);
      },
    });
    const error = await rejectionOf(
      xsiam.raw.POST("/public_api/v1/api_keys/delete", { body, baseUrl: "http://api-t.example.com" }),
    );
    expect(error).toMatchObject({ name: "XsiamValidationError", field: "baseUrl" });
    expect(sent).toEqual([]);
  });

  test("a per-request baseUrl that passes the checks is used, through the transport", async () => {
    const { response } = await client().raw.POST("/public_api/v1/api_keys/delete", {
      body,
      baseUrl: `${server.url}/public_api/v1/`,
    });
    expect(response.status).toBe(200);
    expect(server.received[0]?.path).toBe("/public_api/v1/api_keys/delete");
  });

  test("a per-request fetch is refused", async () => {
    const error = await rejectionOf(
      client().raw.POST("/public_api/v1/api_keys/delete", {
        body,
        fetch: (request: Request) => fetch(request),
      }),
    );
    expect(error).toMatchObject({ name: "XsiamValidationError", field: "fetch" });
    expect(server.received).toHaveLength(0);
  });
});

describe("7. a polluted Object.prototype sets no option", () => {
  function polluted<T>(values: Record<string, unknown>, run: () => T): T {
    for (const [name, value] of Object.entries(values)) {
      Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });
    }
    const clean = () => {
      for (const name of Object.keys(values)) delete (Object.prototype as Record<string, unknown>)[name];
    };
    try {
      const result = run();
      if (result instanceof Promise) return result.finally(clean) as T;
      clean();
      return result;
    } catch (error) {
      clean();
      throw error;
    }
  }
  const own = () => ({ baseUrl: server.url, apiKey: KEY, apiKeyId: 2841 });

  test("securityLevel: a client relying on the advanced default still signs", async () => {
    await polluted({ securityLevel: "standard" }, () => createXsiamClient(own()).apiKeys.delete([1]));
    expect(server.received[0]?.headers["x-xdr-nonce"]).toHaveLength(64);
    expect(server.received[0]?.headers.authorization).not.toBe(KEY);
  });

  // Each polluted value would fail the call, or be seen in `used`, if it were read.
  const used: string[] = [];
  const recorder = (name: string) => () => {
    used.push(name);
  };
  test.each<[string, unknown]>([
    ["fqdn", "t.xdr.us.paloaltonetworks.com"],
    ["fetch", () => Promise.reject(new Error("polluted fetch"))],
    ["rateLimit", "not a limit"],
    ["logger", { debug: recorder("logger.debug"), warn: recorder("logger.warn") }],
    ["onRequest", recorder("onRequest")],
    ["onResponse", recorder("onResponse")],
    ["timeoutMs", -1],
    ["maxRetries", -1],
    ["retryBaseDelayMs", -1],
    ["maxRetryDelayMs", -1],
    ["childTenantId", "polluted-tenant"],
  ])("client option %s", async (name, value) => {
    used.length = 0;
    const result = await polluted({ [name]: value }, () => createXsiamClient(own()).apiKeys.delete([1]));
    expect(result).toEqual({ updateCount: 1 });
    expect(used).toEqual([]);
    expect(server.received[0]?.headers["x-child-tenant-id"]).toBeUndefined();
  });

  // Not `signal`: an inherited signal aborts Node's own streams, stderr included, before any library runs.
  test.each<[string, unknown]>([
    ["headers", { "x-polluted": "yes" }],
    ["timeoutMs", -1],
    ["maxRetries", 99],
  ])("call option %s", async (name, value) => {
    const result = await polluted({ [name]: value }, () => client().apiKeys.delete([1], {}));
    expect(result).toEqual({ updateCount: 1 });
    expect(server.received[0]?.headers["x-polluted"]).toBeUndefined();
  });

  test.each<[string, unknown]>([
    ["comment", "inherited comment"],
    ["expiration", Date.now() + DAY],
    ["securityLevel", "standard"],
  ])("generate input %s is not sent", async (name, value) => {
    plan = [faults.json(200, { reply: { id: 1, key: "k".repeat(64) } })];
    await polluted({ [name]: value }, () => client().apiKeys.generate({ roles: ["Viewer"] }));
    const sent = JSON.parse(server.received[0]?.body ?? "{}").request_data;
    expect(JSON.stringify(sent)).not.toContain(String(value));
  });

  test("an environment variable inherited by the env object is not set", () => {
    const env = { XSIAM_BASE_URL: server.url, XSIAM_API_KEY_ID: "1" };
    const error = polluted({ XSIAM_API_KEY: KEY }, () => {
      try {
        createXsiamClientFromEnv(env);
      } catch (caught) {
        return caught;
      }
      return undefined;
    });
    expect(error).toMatchObject({ field: "XSIAM_API_KEY", reason: "is not set" });
  });
});

describe("8. a line break in a per-call header", () => {
  const token = "proxy-sEcReT-token";
  test("is an XsiamValidationError naming the header, not its value, and nothing is sent", async () => {
    const error = await rejectionOf(
      client().apiKeys.delete([1], { headers: { "x-proxy-token": `${token}\r\nx-injected: 1` } }),
    );
    expect(error).toBeInstanceOf(XsiamValidationError);
    expect(error).toMatchObject({ field: 'options.headers["x-proxy-token"]' });
    expectNoSecrets(error, [token]);
    expect(server.received).toHaveLength(0);
  });

  test("in a raw call too", async () => {
    const error = await rejectionOf(
      client().raw.POST("/public_api/v1/api_keys/delete", {
        body: { request_data: { filters: [{ field: "id", operator: "in", value: [1] }] } },
        headers: { "x-proxy-token": `${token}\n` },
      }),
    );
    expect(error).toMatchObject({ name: "XsiamValidationError", field: 'headers["x-proxy-token"]' });
    expectNoSecrets(error, [token]);
  });
});

describe("8b. what fetch would fail on later is refused before sending", () => {
  // Each of these passed the old check and failed inside fetch: a network error after "sending"
  // (which made a generate report a key to look for), a hang, or a raw TypeError.
  test.each([
    ["a control character", { "x-proxy-token": "tok\u0001en" }],
    ["DEL", { "x-proxy-token": "tok\u007fen" }],
    ["a character outside Latin-1", { "x-proxy-token": "tok€en" }],
    ["transfer-encoding", { "transfer-encoding": "chunked" }],
    ["content-length", { "content-length": "1" }],
    ["host", { host: "elsewhere.example" }],
    ["expect", { expect: "100-continue" }],
  ])("%s", async (_label, headers) => {
    const error = await rejectionOf(client().apiKeys.delete([1], { headers }));
    expect(error).toBeInstanceOf(XsiamValidationError);
    expect(server.received).toHaveLength(0);
  });

  test("a tab in a value is allowed", async () => {
    await client().apiKeys.delete([1], { headers: { "x-note": "a\tb" } });
    expect(server.received).toHaveLength(1);
  });
});

describe("9. the service's text in a message", () => {
  test("control characters are shown as escapes, so a reply cannot forge a log line", async () => {
    plan = [
      faults.json(400, {
        reply: { err_code: 400, err_msg: "bad\r\n2026-11-23 INFO all good\u001b[2K", err_extra: null },
      }),
    ];
    const error = (await rejectionOf(client().apiKeys.delete([1]))) as XsiamApiError;
    expect(error.message).toContain("bad\\r\\n2026-11-23 INFO all good\\u001b[2K");
    for (const control of ["\r", "\n", "\u001b"]) expect(error.message).not.toContain(control);
    expect(error.errMsg).toBe("bad\r\n2026-11-23 INFO all good\u001b[2K");
  });

  test("a 900 KB err_msg is capped in the message and in errMsg", async () => {
    plan = [faults.json(400, { reply: { err_code: 400, err_msg: "x".repeat(900_000), err_extra: null } })];
    const error = (await rejectionOf(client().apiKeys.delete([1]))) as XsiamApiError;
    expect(error.message.length).toBeLessThan(500);
    expect(error.errMsg?.length).toBe(2_001);
  });
});

describe("10. replies that are not the documented shape", () => {
  test.each<[string, unknown]>([
    ["id 0", { id: 0, key: "k".repeat(64) }],
    ["id -5", { id: -5, key: "k".repeat(64) }],
    ["id -0", { id: -0, key: "k".repeat(64) }],
    ["a key of spaces", { id: 5, key: "   " }],
    ["a key with CR/LF", { id: 5, key: "abc\r\ndef" }],
    ["a key of 500,000 characters", { id: 5, key: "k".repeat(500_000) }],
  ])("generate: %s", async (_label, reply) => {
    plan = [faults.json(200, { reply })];
    const error = await rejectionOf(client().apiKeys.generate({ roles: ["Viewer"] }));
    expect(error).toBeInstanceOf(XsiamApiError);
    expect((error as Error).message).toContain("not the documented reply");
  });

  test("delete: an update_count larger than the ids sent", async () => {
    plan = [faults.json(200, { reply: { update_count: 3 } })];
    const error = await rejectionOf(client().apiKeys.delete([1, 2]));
    expect((error as Error).message).toContain(
      "not the documented reply: update_count 3 is more than the 2 id(s) sent",
    );
  });
});

describe("11. input is copied once, checked, and the copy is sent", () => {
  beforeEach(() => {
    plan = [faults.json(200, { reply: { id: 1, key: "k".repeat(64) } })];
  });
  const sentRoles = () => JSON.parse(server.received[0]?.body ?? "{}").request_data.roles;

  test("an overridden iterator does not change the roles sent", async () => {
    const roles = ["Viewer"];
    roles[Symbol.iterator] = () => ["Instance Administrator"].values();
    await client().apiKeys.generate({ roles });
    expect(sentRoles()).toEqual(["Viewer"]);
  });

  test("a getter is read once: the value checked is the value sent", async () => {
    let reads = 0;
    const roles: string[] = [];
    Object.defineProperty(roles, 0, { get: () => (++reads === 1 ? "Viewer" : ""), enumerable: true });
    await client().apiKeys.generate({ roles });
    expect(sentRoles()).toEqual(["Viewer"]);
    expect(reads).toBe(1);
  });

  test("an inherited comment is not sent", async () => {
    const input = Object.assign(Object.create({ comment: "from the prototype" }), { roles: ["Viewer"] });
    await client().apiKeys.generate(input as GenerateApiKeyInput);
    expect(JSON.parse(server.received[0]?.body ?? "{}").request_data).not.toHaveProperty("comment");
  });
});

describe("12. no inspect option reaches a generated key", () => {
  test("showHidden, getters, customInspect: false, showProxy", async () => {
    plan = [faults.json(200, { reply: { id: 9, key: "gEnErAtEd-kEy-12" } })];
    const generated = await client().apiKeys.generate({ roles: ["Viewer"] });
    for (const options of [
      { showHidden: true },
      { customInspect: false, showHidden: true },
      { customInspect: false, showHidden: true, getters: true },
      { customInspect: false, showHidden: true, getters: true, showProxy: true },
    ]) {
      expect(inspect(generated, options)).not.toContain("gEnErAtEd-kEy-12");
    }
    expect(JSON.stringify({ ...generated })).toBe('{"id":9}');
    expect(generated.key).toBe("gEnErAtEd-kEy-12");
    const { key } = generated;
    expect(key).toBe("gEnErAtEd-kEy-12");
  });
});

describe("13. the rate limiter leaves no timer behind", () => {
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

  test("after every queued call was aborted", async () => {
    const before = timers();
    const limiter = createRateLimiter(1);
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = Array.from({ length: 15 }, () =>
      limiter.acquire(controller.signal).catch((error) => error),
    );
    expect(timers()).toBe(before + 1);
    controller.abort();
    const errors = await Promise.all(waiting);
    expect(errors.every((error) => error instanceof XsiamAbortError)).toBe(true);
    expect(timers()).toBe(before);
  });
});

describe("14. a TLS handshake failure is reported as nothing sent", () => {
  test("https to an http server: not 'may have acted', with a hint", async () => {
    const error = await rejectionOf(
      client({ baseUrl: server.url.replace("http:", "https:") }).apiKeys.generate({ roles: ["Viewer"] }),
    );
    expect(error).toBeInstanceOf(XsiamNetworkError);
    expect((error as Error).message).toContain(
      "the TLS handshake failed (ERR_SSL_WRONG_VERSION_NUMBER), so nothing was sent",
    );
    expect((error as Error).message).not.toContain("may have acted");
    expect(error).toMatchObject({
      hint: "An http server? Use baseUrl with http:// (loopback only)",
      attempts: 1,
    });
    expect(server.received).toHaveLength(0);
  });
});

describe("messages a new user meets", () => {
  test("an expiration in seconds says so", async () => {
    const seconds = Math.floor((Date.now() + 7 * DAY) / 1_000);
    const error = await rejectionOf(client().apiKeys.generate({ roles: ["Viewer"], expiration: seconds }));
    expect(error).toMatchObject({
      field: "expiration",
      reason: `must be epoch milliseconds; ${seconds} looks like seconds: multiply by 1000`,
    });
  });

  test("a level in capitals gets a suggestion", async () => {
    const error = await rejectionOf(
      client().apiKeys.generate({ roles: ["Viewer"], securityLevel: "Advanced" as "advanced" }),
    );
    expect((error as Error).message).toBe(
      '@xsiam-sdk/client: securityLevel must be "advanced" or "standard" (got "Advanced"; did you mean "advanced"?)',
    );
  });

  test("XSIAM_API_KEY_ID with a pasted newline", () => {
    const env = { XSIAM_BASE_URL: server.url, XSIAM_API_KEY: KEY, XSIAM_API_KEY_ID: "3\n" };
    expect(() => createXsiamClientFromEnv(env)).toThrow(
      "@xsiam-sdk/client: XSIAM_API_KEY_ID has surrounding whitespace (a pasted newline?)",
    );
  });

  test("an empty array says so", async () => {
    const error = await rejectionOf(client().apiKeys.delete([]));
    expect((error as Error).message).toBe(
      "@xsiam-sdk/client: ids must be a non-empty array (got an empty array)",
    );
  });

  test("errors from the environment name variables only", () => {
    const env = {
      XSIAM_FQDN: "https://t.xdr.us.paloaltonetworks.com",
      XSIAM_API_KEY: KEY,
      XSIAM_API_KEY_ID: "1",
    };
    expect(() => createXsiamClientFromEnv(env)).toThrow(
      "@xsiam-sdk/client: XSIAM_FQDN must be a host name like mytenant.xdr.us.paloaltonetworks.com (a URL goes in XSIAM_BASE_URL)",
    );
  });

  test.each(["standard", "advanced"] as const)(
    "a 401 says the level the client signed with (%s)",
    async (securityLevel) => {
      plan = [faults.status(401)];
      const error = await rejectionOf(client({ securityLevel }).apiKeys.delete([1]));
      expect((error as XsiamApiError).hint).toMatch(new RegExp(`^Signed as an? ${securityLevel} key`));
    },
  );

  test("an error that was not retried does not read as one that stopped early", async () => {
    plan = [faults.status(500)];
    const error = await rejectionOf(client().apiKeys.delete([1]));
    expect(error).toMatchObject({ attempts: 1, maxAttempts: 3 });
    expect((error as Error).message).not.toMatch(/attempt/);
  });

  test("durationMs is rounded to 0.1 ms", async () => {
    const durations: number[] = [];
    await client({ onResponse: (event) => durations.push(event.durationMs) }).apiKeys.delete([1]);
    expect(durations).toHaveLength(1);
    expect(Math.round((durations[0] ?? 0) * 10) / 10).toBe(durations[0]);
  });
});
