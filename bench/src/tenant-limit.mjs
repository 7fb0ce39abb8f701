// Measure 7: throughput under the tenant limit. Processes call a server that enforces the limit
// strictly (429 once 10 requests were accepted in the last 1000 ms), each through a client whose
// rate limit is either the in-process limiter or the Redis limiter; the Redis limiter also with
// smaller margins than its default, to show what it needs. Sustained rate = the intervals between
// the first and the last accepted request, per second, as a share of the 10 per second allowed,
// with the 429 count. Runs have 10n + 1 calls, so that a limiter that lets requests through in
// bursts of 10 is measured over whole windows.

import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { runJsonScript, startLimitedServer, startRedis } from "@xsiam-sdk/test-support";

const worker = fileURLToPath(
  new URL("../../packages/rate-limit-redis/test/fixtures/worker.mjs", import.meta.url),
);
const cwd = fileURLToPath(new URL("../../packages/rate-limit-redis/", import.meta.url));
const LIMIT = 10;

function runWorker(server, redisUrl, calls, key, marginMs) {
  const margin = marginMs === undefined ? [] : [String(marginMs)];
  return runJsonScript(worker, [server, redisUrl, String(calls), key, ...margin], cwd);
}

async function measure(name, processes, calls, redisUrl, marginMs) {
  const server = await startLimitedServer({ limit: LIMIT });
  try {
    const key = `xsiam:bench:${randomUUID()}`;
    // The calls spread over the processes, the first taking the one left over.
    const share = Math.floor(calls / processes);
    const reports = await Promise.all(
      Array.from({ length: processes }, (_, index) =>
        runWorker(server.url, redisUrl, share + (index === 0 ? calls - share * processes : 0), key, marginMs),
      ),
    );
    const accepted = [...server.accepted].sort((a, b) => a - b);
    const seconds = ((accepted.at(-1) ?? 0) - (accepted[0] ?? 0)) / 1_000;
    const rate = (accepted.length - 1) / seconds;
    return {
      name,
      processes,
      calls,
      seconds,
      rate,
      share: rate / LIMIT,
      tooMany: server.refused(),
      failed: reports.reduce((sum, report) => sum + report.failed.length, 0),
    };
  } finally {
    await server.close();
  }
}

export async function measureTenantLimit() {
  const redis = await startRedis();
  try {
    const runs = [
      await measure("in-process limiter (100 ms margin per window)", 1, 51, "local"),
      await measure("in-process limiters, one per process", 4, 101, "local"),
      await measure("Redis limiter (5 ms margin per slot, the default)", 1, 51, redis.url),
      await measure("Redis limiter (5 ms margin per slot, the default)", 4, 101, redis.url),
      await measure("Redis limiter, 2 ms margin", 4, 101, redis.url, 2),
      await measure("Redis limiter, no margin", 4, 101, redis.url, 0),
    ];
    return { runs, target: { minShare: 0.95, tooMany: 0 } };
  } finally {
    await redis.stop();
  }
}
