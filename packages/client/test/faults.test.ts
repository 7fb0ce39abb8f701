// Every fault the service or the network between can produce, against a fault server on
// 127.0.0.1: what the client returns or throws, how many attempts reached the server, and that a
// generate that the service may have acted on is never sent twice.
import {
  createFakeClock,
  type FaultServer,
  faults,
  getFreePort,
  startFaultServer,
} from "@xsiam-sdk/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  type RequestEvent,
  XsiamAbortError,
  type XsiamClient,
  type XsiamClientSettings,
  XsiamNetworkError,
  XsiamValidationError,
} from "../src/index.js";
import { retryDelay } from "../src/internal/retry.js";
import {
  call,
  deleteCases,
  expectFreshSignatures,
  faultClient,
  GENERATED_KEY,
  generateCases,
  KEY,
  listCases,
  MINTED_KEY,
  ok,
} from "./fault-cases.js";
import { expectNoSecrets, rejectionOf } from "./helpers.js";

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());
beforeEach(() => server.plan([]));

const client = (settings: Partial<XsiamClientSettings> = {}): XsiamClient => faultClient(server, settings);

describe.each([
  ["delete (idempotent)", "delete", deleteCases],
  ["generate (not idempotent)", "generate", generateCases],
  ["list (reads only)", "list", listCases],
] as const)("%s", (_label, operation, cases) => {
  test.each(cases)("$name", async ({ plan, attempts, outcome }) => {
    server.plan(plan);
    const result = call[operation](client());
    if ("value" in outcome) {
      await expect(result).resolves.toMatchObject(outcome.value as object);
    } else {
      const error = await rejectionOf(result);
      expect(error).toBeInstanceOf(outcome.error);
      if (outcome.fields) expect(error).toMatchObject(outcome.fields);
      // Only a call that was retried says how many attempts it made; one attempt reads as one.
      const made = (error as { attempts: number }).attempts;
      expect((error as Error).message.endsWith(` [after ${made} attempts]`)).toBe(made > 1);
      expectNoSecrets(error, [
        KEY,
        GENERATED_KEY,
        MINTED_KEY,
        ...server.received.map((request) => String(request.headers.authorization)),
      ]);
      // A redirect's hint names the target's origin, never its path or query.
      expect((error as Error).message).not.toMatch(/collect|token=/);
    }
    expect(server.received).toHaveLength(attempts);
    expectFreshSignatures(server);
  });
});

describe("a refused connection (nothing listening)", () => {
  test.each([
    ["delete", call.delete],
    ["generate", call.generate],
  ] as const)(
    "%s is retried, since nothing was sent, then fails with XsiamNetworkError",
    async (_name, run) => {
      const port = await getFreePort();
      const attempts: RequestEvent[] = [];
      const error = await rejectionOf(
        run(
          client({
            baseUrl: `http://127.0.0.1:${port}`,
            onRequest: (event: RequestEvent) => attempts.push(event),
          } as Partial<XsiamClientSettings>),
        ),
      );
      expect(error).toBeInstanceOf(XsiamNetworkError);
      expect(error).toMatchObject({ attempts: 3, maxAttempts: 3 });
      expect((error as Error).message).toContain(`could not reach 127.0.0.1:${port} (ECONNREFUSED)`);
      expect(attempts.map((event) => event.attempt)).toEqual([1, 2, 3]);
      expect(new Set(attempts.map((event) => event.headers["x-xdr-nonce"])).size).toBe(3);
    },
  );
});

/**
 * A client of the fault server whose waits run on a fake clock: `sent` holds the clock's time
 * (from the start) at each attempt's send, so that a schedule is asserted exactly.
 */
function timedClient(settings: Partial<XsiamClientSettings> = {}) {
  const clock = createFakeClock();
  const start = clock.now();
  const sent: number[] = [];
  const xsiam = client({
    clock,
    timeoutMs: Number.POSITIVE_INFINITY,
    fetch: (url, init) => {
      sent.push(clock.now() - start);
      return fetch(url, init);
    },
    ...settings,
  });
  return { clock, start, sent, xsiam };
}

describe("retry timing, on a fake clock", () => {
  test("Retry-After in seconds is honoured, to the millisecond", async () => {
    server.plan([faults.status(429, "1"), ok.delete]);
    const { clock, sent, xsiam } = timedClient();
    await clock.run(call.delete(xsiam));
    expect(sent).toEqual([0, 1_000]);
  });

  test("Retry-After as an HTTP date is honoured: until that time, by the client's clock", async () => {
    const { clock, start, sent, xsiam } = timedClient();
    const date = new Date(start + 1_500).toUTCString();
    server.plan([faults.status(503, date), ok.delete]);
    await clock.run(call.delete(xsiam));
    // The date has one-second resolution: the wait ends at that second.
    expect(sent).toEqual([0, Date.parse(date) - start]);
  });

  test("each retry waits for its backoff: between half and all of base × 2^(n−1), capped", async () => {
    server.plan([faults.status(503), faults.status(503), faults.status(503), faults.status(503), ok.delete]);
    const { clock, sent, xsiam } = timedClient({
      maxRetries: 4,
      retryBaseDelayMs: 100,
      maxRetryDelayMs: 300,
    });
    await clock.run(call.delete(xsiam));
    const gaps = sent.slice(1).map((at, index) => at - (sent[index] ?? 0));
    const ranges = [
      [50, 100],
      [100, 200],
      [150, 300],
      [150, 300],
    ];
    expect(gaps).toHaveLength(4);
    gaps.forEach((gap, index) => {
      expect(gap).toBeGreaterThanOrEqual(ranges[index]?.[0] ?? 0);
      expect(gap).toBeLessThanOrEqual(ranges[index]?.[1] ?? 0);
    });
  });

  test.each([
    // attempt, random, expected: between half and all of base × 2^(attempt − 1), capped at 300
    [1, 0, 50],
    [1, 1, 100],
    [2, 0, 100],
    [2, 0.5, 150],
    [3, 1, 300],
    [4, 0, 150],
    [4, 1, 300],
    [10, 1, 300],
  ])("retry %i with jitter %s waits %i ms", (attempt, random, expected) => {
    const policy = { timeoutMs: 1_000, maxRetries: 10, retryBaseDelayMs: 100, maxRetryDelayMs: 300 };
    expect(retryDelay(null, attempt, policy, () => random, 0)).toBe(expected);
  });

  test.each([
    ["2", 2_000],
    [" 0 ", 0],
    ["301", undefined],
    ["soon", 50],
    // Not seconds and not an HTTP date: backoff, not the past date Date.parse would guess.
    ["-5", 50],
    ["0.5", 50],
    ["Mon 2", 50],
    ["foo 1", 50],
    ["x-1", 50],
  ])("Retry-After %j means %s ms (a longer one than maxRetryDelayMs means no retry)", (header, expected) => {
    const policy = { timeoutMs: 1_000, maxRetries: 2, retryBaseDelayMs: 100, maxRetryDelayMs: 300_000 };
    expect(retryDelay(header, 1, policy, () => 0, 0)).toBe(expected);
  });
});

describe("options per call override the client's", () => {
  test("maxRetries: 0 makes one attempt", async () => {
    server.plan([faults.status(503), ok.delete]);
    const error = await rejectionOf(client().apiKeys.delete([1], { maxRetries: 0 }));
    expect(error).toMatchObject({ status: 503, attempts: 1, maxAttempts: 1 });
    expect(server.received).toHaveLength(1);
  });

  test("timeoutMs applies to one call", async () => {
    server.plan([faults.slow(400, ok.delete)]);
    const slowAllowed = client({ timeoutMs: 100 }).apiKeys.delete([1], { timeoutMs: 2_000, maxRetries: 0 });
    await expect(slowAllowed).resolves.toEqual({ updateCount: 1 });
  });

  test("raw calls are retried like the methods, and take other options through withOptions", async () => {
    server.plan([faults.status(503), faults.status(503), ok.delete]);
    const xsiam = client();
    const { data, response } = await xsiam.raw.POST("/public_api/v1/api_keys/delete", {
      body: { request_data: { filters: [{ field: "id", operator: "in", value: [1] }] } },
    });
    expect(response.status).toBe(200);
    expect(data).toEqual({ reply: { update_count: 1 } });
    expect(server.received).toHaveLength(3);
    server.plan([faults.status(503), ok.delete]);
    const once = await xsiam.withOptions({ maxRetries: 0 }).raw.POST("/public_api/v1/api_keys/delete", {
      body: { request_data: { filters: [{ field: "id", operator: "in", value: [1] }] } },
    });
    expect(once.response.status).toBe(503);
    expect(server.received).toHaveLength(1);
    // Nothing rides on the request any more: a key openapi-fetch does not know changes nothing.
    server.plan([faults.status(503), ok.delete]);
    const unknownKey = await xsiam.raw.POST("/public_api/v1/api_keys/delete", {
      body: { request_data: { filters: [{ field: "id", operator: "in", value: [1] }] } },
      ...({ xsiam: { maxRetries: 0 } } as object),
    });
    expect(unknownKey.response.status).toBe(200);
  });

  test("a raw call's own retry options are refused, pointing to withOptions; withOptions takes an object", async () => {
    const body = {
      request_data: { filters: [{ field: "id" as const, operator: "in" as const, value: [1] }] },
    };
    for (const name of ["timeoutMs", "maxRetries", "retryBaseDelayMs", "maxRetryDelayMs"]) {
      const error = await rejectionOf(
        client().raw.POST("/public_api/v1/api_keys/delete", { body, ...({ [name]: 0 } as object) }),
      );
      expect(error).toMatchObject({ name: "XsiamValidationError", field: name });
      expect((error as Error).message).toContain("xsiam.withOptions");
    }
    expect(server.received).toHaveLength(0);
    for (const bad of [null, "fast", 42]) {
      expect(() => client().withOptions(bad as never)).toThrow(XsiamValidationError);
    }
  });

  test("a bad per-call option is an XsiamValidationError before sending", async () => {
    const error = await rejectionOf(client().apiKeys.delete([1], { maxRetries: -1 }));
    expect(error).toMatchObject({ name: "XsiamValidationError", field: "options.maxRetries" });
    expect(server.received).toHaveLength(0);
  });
});

describe("the caller's signal", () => {
  test("aborting during a slow response is an XsiamAbortError, not a timeout, and is not retried", async () => {
    server.plan([faults.slow(2_000, ok.delete), ok.delete]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user cancelled")), 100);
    const error = await rejectionOf(
      client({ timeoutMs: 1_000 }).apiKeys.delete([1], { signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(XsiamAbortError);
    expect(error).toMatchObject({ attempts: 1, cause: new Error("user cancelled") });
    expect(server.received).toHaveLength(1);
  });

  test("aborting while waiting to retry stops the retries, at once", async () => {
    server.plan([faults.status(503, "1"), ok.delete]);
    const { clock, start, xsiam } = timedClient();
    const controller = new AbortController();
    clock.setTimeout(() => controller.abort(), 200);
    const error = await clock.run(rejectionOf(xsiam.apiKeys.delete([1], { signal: controller.signal })));
    expect(error).toBeInstanceOf(XsiamAbortError);
    expect(error).toMatchObject({ attempts: 1 });
    // Stopped when the signal aborted, 800 ms before the retry was due; no timer is left behind.
    expect(clock.now() - start).toBe(200);
    expect(clock.pending()).toBe(0);
    expect(server.received).toHaveLength(1);
  });

  test("aborting while waiting for the rate limit", async () => {
    server.plan([], ok.delete);
    const xsiam = client({ rateLimit: 1 });
    await xsiam.apiKeys.delete([1]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await rejectionOf(xsiam.apiKeys.delete([1], { signal: controller.signal }));
    expect(error).toBeInstanceOf(XsiamAbortError);
    expect(error).toMatchObject({ attempts: 0 });
    expect(server.received).toHaveLength(1);
  });
});

describe("observability", () => {
  test("the logger and the hooks see every attempt, with secret headers redacted", async () => {
    server.plan([faults.status(503), ok.delete]);
    const lines: Array<[string, string, unknown]> = [];
    const requests: RequestEvent[] = [];
    const statuses: number[] = [];
    await client({
      logger: {
        debug: (message, details) => lines.push(["debug", message, details]),
        warn: (message, details) => lines.push(["warn", message, details]),
      },
      onRequest: (event) => requests.push(event),
      onResponse: (event) => statuses.push(event.status),
    }).apiKeys.delete([1]);
    expect(requests.map((event) => [event.attempt, event.maxAttempts])).toEqual([
      [1, 3],
      [2, 3],
    ]);
    for (const event of requests) {
      expect(event.headers.authorization).toBe("[redacted]");
      expect(event.headers["x-xdr-auth-id"]).toBe("2841");
      expect(event.method).toBe("POST");
      expect(event.url).toBe(`${server.url}/public_api/v1/api_keys/delete`);
    }
    expect(statuses).toEqual([503, 200]);
    expect(lines.filter(([level]) => level === "warn").map(([, message]) => message)).toEqual([
      expect.stringMatching(/^xsiam: deleteApiKeys: 503; retry in \d+ ms$/),
    ]);
    expect(lines.filter(([level]) => level === "debug")).toHaveLength(4);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(KEY);
    for (const request of server.received)
      expect(logged).not.toContain(String(request.headers.authorization));
  });

  test("a hook that throws is reported and does not break the call", async () => {
    server.plan([ok.delete]);
    const warnings: string[] = [];
    const result = await client({
      logger: { warn: (message) => warnings.push(message) },
      onRequest: () => {
        throw new Error("hook bug");
      },
    }).apiKeys.delete([1]);
    expect(result).toEqual({ updateCount: 1 });
    expect(warnings).toEqual(["xsiam: the onRequest hook threw; ignored"]);
  });
});
