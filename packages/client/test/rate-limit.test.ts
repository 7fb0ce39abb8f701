import { createFakeClock, faults, startFaultServer } from "@xsiam-sdk/test-support";
import { describe, expect, test } from "vitest";
import { createRateLimiter, createXsiamClient, XsiamValidationError } from "../src/index.js";

/** The most arrivals in any one-second window. */
function busiestSecond(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 1_000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

// The limiter lets a request through one window (1 s) plus its jitter margin (100 ms) after the
// one `requestsPerSecond` places before it: the schedule below, on a fake clock.
const SLOT_MS = 1_100;

test("200 calls fired at once with rateLimit 10/s: ten per window, in order, on exactly the limiter's schedule", async () => {
  const server = await startFaultServer();
  server.plan([], faults.json(200, { reply: { update_count: 1 } }));
  const clock = createFakeClock();
  const start = clock.now();
  // Each request as it is sent, on the clock the client waits on: which call, and when.
  const sent: Array<[id: number, at: number]> = [];
  try {
    const xsiam = createXsiamClient({
      baseUrl: server.url,
      apiKey: "k",
      apiKeyId: 1,
      rateLimit: 10,
      clock,
      timeoutMs: Number.POSITIVE_INFINITY,
      fetch: (url, init) => {
        sent.push([JSON.parse(String(init.body)).request_data.filters[0].value[0], clock.now() - start]);
        return fetch(url, init);
      },
    });
    const results = await clock.run(
      Promise.all(Array.from({ length: 200 }, (_, index) => xsiam.apiKeys.delete([index + 1]))),
    );
    expect(results).toHaveLength(200);
    expect(results.every((result) => result.updateCount === 1)).toBe(true);
    expect(server.received).toHaveLength(200);
    // In the order they were called, ten at once, every 1.1 s, twenty times (21 s of fake time).
    expect(sent).toEqual(
      Array.from({ length: 200 }, (_, index) => [index + 1, Math.floor(index / 10) * SLOT_MS]),
    );
    expect(busiestSecond(sent.map(([, at]) => at))).toBe(10);
  } finally {
    await server.close();
  }
});

test("the window check itself catches a burst", () => {
  expect(busiestSecond([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999])).toBe(11);
  expect(busiestSecond([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000])).toBe(10);
});

describe("createRateLimiter", () => {
  test("a limiter shared by two clients limits them together", async () => {
    const server = await startFaultServer();
    server.plan([], faults.json(200, { reply: { update_count: 1 } }));
    try {
      const clock = createFakeClock();
      const start = clock.now();
      const tenant = createRateLimiter(2, { clock });
      const sent: number[] = [];
      const onRequest = () => sent.push(clock.now() - start);
      const settings = {
        baseUrl: server.url,
        rateLimit: tenant,
        clock,
        timeoutMs: Number.POSITIVE_INFINITY,
        onRequest,
      };
      const a = createXsiamClient({ ...settings, apiKey: "a", apiKeyId: 1 });
      const b = createXsiamClient({ ...settings, apiKey: "b", apiKeyId: 2 });
      await clock.run(Promise.all([a, b, a, b, a, b].map((xsiam) => xsiam.apiKeys.delete([1]))));
      expect(sent).toEqual([0, 0, SLOT_MS, SLOT_MS, 2 * SLOT_MS, 2 * SLOT_MS]);
    } finally {
      await server.close();
    }
  });

  test("rateLimit: false sends at once", async () => {
    const server = await startFaultServer();
    server.plan([], faults.json(200, { reply: { update_count: 1 } }));
    try {
      const xsiam = createXsiamClient({ baseUrl: server.url, apiKey: "k", apiKeyId: 1, rateLimit: false });
      await Promise.all(Array.from({ length: 30 }, () => xsiam.apiKeys.delete([1])));
      expect(busiestSecond(server.received.map((request) => request.at))).toBe(30);
    } finally {
      await server.close();
    }
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 10_001, 2 ** 31 - 1])(
    "rejects %s requests per second",
    (perSecond) => {
      expect(() => createRateLimiter(perSecond)).toThrow(XsiamValidationError);
      expect(() =>
        createXsiamClient({ baseUrl: "http://127.0.0.1:1", apiKey: "k", apiKeyId: 1, rateLimit: perSecond }),
      ).toThrow(expect.objectContaining({ field: "rateLimit" }));
    },
  );

  test("rejects a rateLimit that is neither a number, a limiter nor false", () => {
    expect(() =>
      createXsiamClient({
        baseUrl: "http://127.0.0.1:1",
        apiKey: "k",
        apiKeyId: 1,
        rateLimit: true as never,
      }),
    ).toThrow(expect.objectContaining({ field: "rateLimit" }));
  });
});

test("a waiter that aborts leaves the queue, and the ones behind move up", async () => {
  const clock = createFakeClock();
  const start = clock.now();
  const limiter = createRateLimiter(1, { clock });
  await limiter.acquire();
  const controller = new AbortController();
  const abandoned = limiter.acquire(controller.signal);
  const next = limiter.acquire().then(() => clock.now() - start);
  controller.abort();
  await expect(abandoned).rejects.toMatchObject({ name: "XsiamAbortError" });
  // It takes the first free place, one slot after the first, not a slot later still.
  expect(await clock.run(next)).toBe(SLOT_MS);
  expect(clock.pending()).toBe(0);
});

test("a limiter nobody waits on holds no timer", async () => {
  const clock = createFakeClock();
  const limiter = createRateLimiter(2, { clock });
  await limiter.acquire();
  await limiter.acquire();
  const controller = new AbortController();
  const waiting = limiter.acquire(controller.signal);
  expect(clock.pending()).toBe(1);
  controller.abort();
  await expect(waiting).rejects.toMatchObject({ name: "XsiamAbortError" });
  expect(clock.pending()).toBe(0);
});

test("a clock that is not one is refused", () => {
  expect(() => createRateLimiter(10, { clock: { now: () => 0 } as never })).toThrow(
    expect.objectContaining({ field: "clock" }),
  );
});
