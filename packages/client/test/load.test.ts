// Load against the mock, bounded: 800 requests at concurrency 50 with the rate limit off, in a
// separate Node process with --expose-gc so that the heap figures follow a full collection.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { PrismContext } from "@xsiam-sdk/test-support";
import { expect, inject, test } from "vitest";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../scripts/load.mjs", import.meta.url));

test("800 requests at concurrency 50: no failure, no unhandled rejection, heap back near its start", async () => {
  const prismUrl: PrismContext["prismUrl"] = inject("prismUrl");
  const { stdout } = await run(process.execPath, ["--expose-gc", script, prismUrl, "800", "50"], {
    timeout: 120_000,
  });
  const figures = JSON.parse(stdout);
  console.log(`load test: ${stdout.trim()}`);
  expect(figures).toMatchObject({ requests: 800, concurrency: 50, failures: 0, unhandled: 0 });
  // Back near where it started: what stays is the connection pool and compiled code, not requests.
  expect(figures.heapAfterMB).toBeLessThan(figures.heapBeforeMB + 8);
  expect(figures.heapPeakMB).toBeGreaterThanOrEqual(figures.heapBeforeMB);
}, 150_000);
