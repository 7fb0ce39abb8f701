import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { getFreePort } from "./ports.js";
import { stopChild } from "./stop.js";

/** A running `prism mock` process. */
export interface PrismMock {
  /** Base URL of the mock, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Process id of Prism itself (the bin shim `exec`s node, so this is not a wrapper). */
  readonly pid: number;
  /** Stops Prism by its pid and resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface StartPrismOptions {
  /** OpenAPI document to mock. Defaults to the workspace spec. */
  specFile?: string;
  /** How long to wait for Prism to answer before giving up. */
  startTimeoutMs?: number;
}

/** The workspace's OpenAPI document, resolved through the `@xsiam-sdk/spec` package. */
export const specFile: string = createRequire(import.meta.url).resolve("@xsiam-sdk/spec/openapi.yaml");

// How much of Prism's output is kept for an error message: its last 16 KiB.
const OUTPUT_KEPT = 16_384;

// Started from node_modules/.bin, never through npx: killing an npx parent leaves Prism running.
const prismBin = fileURLToPath(new URL("../node_modules/.bin/prism", import.meta.url));

/**
 * Starts `prism mock` on 127.0.0.1 and a free port, and resolves once it answers HTTP.
 * A second port is tried if another process took the first one in the meantime; any other failure
 * (a spec Prism cannot load, a start that times out) is final.
 */
export async function startPrism(options: StartPrismOptions = {}): Promise<PrismMock> {
  const { specFile: spec = specFile, startTimeoutMs = 30_000 } = options;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await getFreePort();
    try {
      return await launch(spec, port, startTimeoutMs);
    } catch (error) {
      lastError = error;
      if (!(error instanceof Error && /EADDRINUSE/.test(error.message))) break;
    }
  }
  throw new Error("Prism did not start", { cause: lastError });
}

async function launch(spec: string, port: number, startTimeoutMs: number): Promise<PrismMock> {
  const child = spawn(prismBin, ["mock", spec, "--host", "127.0.0.1", "--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Prism logs every request: both pipes are drained for the whole run, and only the end of what
  // it wrote is kept, to explain a failed start or an exit nobody asked for.
  let output = "";
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = once(child, "exit");
  // If the test process dies without tearing down, do not leave Prism behind.
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  const url = `http://127.0.0.1:${port}`;
  let stopping = false;
  const stop = async (): Promise<void> => {
    stopping = true;
    process.off("exit", killOnExit);
    await stopChild(child, exited);
  };

  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      process.off("exit", killOnExit);
      throw new Error(`Prism exited with ${child.exitCode ?? child.signalCode} before answering:\n${output}`);
    }
    try {
      // Only this Prism's own word that it listens on this port counts: another process (another
      // test's mock) may have taken the port since it was found free, and would answer the fetch.
      if (!output.includes(`Prism is listening on ${url}`)) throw new Error("not listening yet");
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (child.pid === undefined) throw new Error("Prism has no pid");
      // The tests that use it would fail with "fetch failed"; say why.
      child.once("exit", (code, signal) => {
        if (!stopping)
          console.error(`Prism on ${url} exited with ${code ?? signal} while in use:\n${output}`);
      });
      return { url, pid: child.pid, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stop();
  throw new Error(`Prism did not answer on ${url} within ${startTimeoutMs} ms:\n${output}`);
}

/**
 * Whether a process with this id is still running. A zombie (exited, and not yet reaped by its new
 * parent, which in a container may be slow to do it) is not: signal 0 reaches it all the same.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (name) state …"; the name may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}
