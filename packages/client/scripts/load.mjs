#!/usr/bin/env node
// Load against a server (the Prism mock in the test): `requests` calls at `concurrency`, no rate
// limit, half generate and half delete, with the built client. Prints one JSON line of figures:
// failures, unhandled rejections, throughput, latency and heap use before and after.
// Run with --expose-gc so that the heap figures are taken after a full collection.
//   node --expose-gc scripts/load.mjs <base URL> [requests = 3000] [concurrency = 50]
import { createXsiamClient } from "../dist/index.js";

const [baseUrl, requestsArgument = "3000", concurrencyArgument = "50"] = process.argv.slice(2);
const requests = Number(requestsArgument);
const concurrency = Number(concurrencyArgument);
if (!baseUrl || !(requests > 0) || !(concurrency > 0)) {
  process.stderr.write("usage: node --expose-gc scripts/load.mjs <base URL> [requests] [concurrency]\n");
  process.exit(2);
}

let unhandled = 0;
process.on("unhandledRejection", () => {
  unhandled++;
});
const collect = () => {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
};
const megabytes = () => Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;

const xsiam = createXsiamClient({
  baseUrl,
  apiKey: "load-test-key",
  apiKeyId: 2841,
  rateLimit: false,
  timeoutMs: 30_000,
});
const call = (index) =>
  index % 2 === 0 ? xsiam.apiKeys.generate({ roles: ["Viewer"] }) : xsiam.apiKeys.delete([index]);

async function run(count) {
  const latencies = [];
  let failures = 0;
  let next = 0;
  let peak = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      try {
        await call(index);
      } catch {
        failures++;
      }
      latencies.push(performance.now() - started);
      if (index % 250 === 0) peak = Math.max(peak, megabytes());
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    failures,
    latencies: latencies.sort((a, b) => a - b),
    durationMs: performance.now() - started,
    peak,
  };
}

await run(Math.min(200, requests)); // warm up: JIT, connection pool
collect();
const heapBeforeMB = megabytes();
const { failures, latencies, durationMs, peak } = await run(requests);
await new Promise((resolve) => setTimeout(resolve, 100));
collect();
const heapAfterMB = megabytes();
const percentile = (p) =>
  Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 10) / 10;

process.stdout.write(
  `${JSON.stringify({
    requests,
    concurrency,
    failures,
    unhandled,
    durationMs: Math.round(durationMs),
    requestsPerSecond: Math.round((requests / durationMs) * 1000),
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
    heapBeforeMB,
    heapPeakMB: Math.max(peak, heapBeforeMB),
    heapAfterMB,
  })}\n`,
);
