import { faults, startFaultServer } from "@xsiam-sdk/test-support";
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

test("200 calls fired at once with rateLimit 10/s: at most 10 in any second, none lost, all resolve", async () => {
  const server = await startFaultServer();
  server.plan([], faults.json(200, { reply: { update_count: 1 } }));
  // When each request was sent: onRequest runs right before fetch. The server's own arrival times
  // are not used for the windows: it shares this test's event loop, so under load it records
  // arrivals in bursts whenever the loop gets time, whatever the client did.
  const sent: number[] = [];
  try {
    const xsiam = createXsiamClient({
      baseUrl: server.url,
      apiKey: "k",
      apiKeyId: 1,
      rateLimit: 10,
      onRequest: () => sent.push(Date.now()),
    });
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) => xsiam.apiKeys.delete([index + 1])),
    );
    const elapsed = Date.now() - started;
    expect(results).toHaveLength(200);
    expect(results.every((result) => result.updateCount === 1)).toBe(true);
    expect(server.received).toHaveLength(200);
    const ids = server.received.map((request) => JSON.parse(request.body).request_data.filters[0].value[0]);
    expect(new Set(ids).size).toBe(200);
    // Served in the order they were called: call n goes out in window floor((n - 1) / 10), and the
    // ten let through together may reach the server in any order.
    const windows = ids.map((id: number) => Math.floor((id - 1) / 10));
    expect(windows).toEqual([...windows].sort((a, b) => a - b));
    expect(sent).toHaveLength(200);
    expect(busiestSecond(sent)).toBeLessThanOrEqual(10);
    // 19 waits of a window plus the jitter margin (1.1 s): about 21 seconds, not much more.
    expect(elapsed).toBeGreaterThanOrEqual(20_900);
    expect(elapsed).toBeLessThan(28_000);
  } finally {
    await server.close();
  }
}, 40_000);

test("the window check itself catches a burst", () => {
  expect(busiestSecond([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999])).toBe(11);
  expect(busiestSecond([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000])).toBe(10);
});

describe("createRateLimiter", () => {
  test("a limiter shared by two clients limits them together", async () => {
    const server = await startFaultServer();
    server.plan([], faults.json(200, { reply: { update_count: 1 } }));
    try {
      const tenant = createRateLimiter(2);
      const sent: number[] = [];
      const onRequest = () => sent.push(Date.now());
      const a = createXsiamClient({
        baseUrl: server.url,
        apiKey: "a",
        apiKeyId: 1,
        rateLimit: tenant,
        onRequest,
      });
      const b = createXsiamClient({
        baseUrl: server.url,
        apiKey: "b",
        apiKeyId: 2,
        rateLimit: tenant,
        onRequest,
      });
      await Promise.all([a, b, a, b, a, b].map((xsiam) => xsiam.apiKeys.delete([1])));
      expect(busiestSecond(sent)).toBeLessThanOrEqual(2);
      expect(server.received.at(-1)?.at ?? 0).toBeGreaterThanOrEqual((server.received[0]?.at ?? 0) + 2_000);
    } finally {
      await server.close();
    }
  }, 20_000);

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
  const limiter = createRateLimiter(1);
  await limiter.acquire();
  const controller = new AbortController();
  const abandoned = limiter.acquire(controller.signal);
  const next = limiter.acquire();
  controller.abort();
  await expect(abandoned).rejects.toMatchObject({ name: "XsiamAbortError" });
  const started = Date.now();
  await next;
  // It takes the first free place (about a second after the first), not a second later still.
  expect(Date.now() - started).toBeLessThan(1_500);
});
