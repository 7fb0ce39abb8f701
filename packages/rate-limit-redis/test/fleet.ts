import { fileURLToPath } from "node:url";
import { runJsonScript } from "@xsiam-sdk/test-support";

const worker = fileURLToPath(new URL("./fixtures/worker.mjs", import.meta.url));

export interface WorkerReport {
  code: number | null;
  ok: number;
  failed: string[];
  warnings: string[];
  unhandled: number;
}

/** Runs one worker process to the end. */
export function runWorker(
  server: string,
  redisUrl: string,
  calls: number,
  key: string,
  marginMs?: number,
): Promise<WorkerReport> {
  const margin = marginMs === undefined ? [] : [String(marginMs)];
  return runJsonScript<WorkerReport>(
    worker,
    [server, redisUrl, String(calls), key, ...margin],
    fileURLToPath(new URL("..", import.meta.url)),
  );
}

/** The most arrivals within any `windowMs`. */
export function busiestWindow(times: readonly number[], windowMs = 1_000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
