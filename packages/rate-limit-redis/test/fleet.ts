import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

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
  return new Promise((resolve, reject) => {
    const margin = marginMs === undefined ? [] : [String(marginMs)];
    const child = spawn(process.execPath, [worker, server, redisUrl, String(calls), key, ...margin], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve({ code, ...JSON.parse(stdout) });
      } catch {
        reject(new Error(`a worker exited with ${code} and printed: ${stdout}`));
      }
    });
  });
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
