import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type NodeRun, runNode } from "@xsiam-sdk/test-support";
import type { FakeTenant, UsableKey } from "@xsiam-sdk/testing";

/** The built bin, as npm would install it. */
export const BIN = fileURLToPath(new URL("../bin/xsiam-keys.js", import.meta.url));

export type Run = NodeRun;

/**
 * Runs `xsiam-keys args` as a process, in `cwd`, with only the environment given (plus PATH, and
 * NO_COLOR), `input` on standard input, and neither stdin nor stdout a terminal.
 */
export function xsiamKeys(
  args: readonly string[],
  { cwd, env = {}, input }: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<Run> {
  return runNode(BIN, args, { cwd, env: { NO_COLOR: "1", ...env }, ...(input !== undefined && { input }) });
}

/** The env-file lines for a key of `tenant`. */
export function envLines(tenant: FakeTenant, key: UsableKey): string {
  return [
    `XSIAM_BASE_URL=${tenant.baseUrl}`,
    `XSIAM_API_KEY_ID=${key.id}`,
    `XSIAM_API_KEY=${key.key}`,
    `XSIAM_SECURITY_LEVEL=${key.securityLevel}`,
    "",
  ].join("\n");
}

/** A new folder with `admin.env` (the tenant's root key) in it. */
export function workspace(tenant: FakeTenant): string {
  const dir = mkdtempSync(join(tmpdir(), "xsiam-keys-"));
  writeFileSync(join(dir, "admin.env"), envLines(tenant, tenant.rootKey), { mode: 0o600 });
  return dir;
}

/** The XSIAM_* values of an env file's text. */
export function parsedEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => /^XSIAM_[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

/** A running `xsiam-keys`, to watch and to signal. */
export interface RunningXsiamKeys {
  readonly child: ChildProcess;
  /** Resolves once stderr has shown `text` (rejects after `timeoutMs`). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has exited. */
  readonly done: Promise<Run>;
}

/** Starts `xsiam-keys args` as `xsiamKeys` does, without waiting for it. */
export function startXsiamKeys(
  args: readonly string[],
  { cwd, env = {} }: { cwd?: string; env?: Record<string, string> } = {},
): RunningXsiamKeys {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const watchers: Array<() => void> = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk;
    for (const watcher of [...watchers]) watcher();
  });
  child.stdin?.end();
  const done = new Promise<Run>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    done,
    waitFor: (text, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const shown = () => (typeof text === "string" ? stderr.includes(text) : text.test(stderr));
        if (shown()) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`stderr never showed ${String(text)}:\n${stderr}`)),
          timeoutMs,
        );
        const watcher = () => {
          if (!shown()) return;
          clearTimeout(timer);
          watchers.splice(watchers.indexOf(watcher), 1);
          resolve();
        };
        watchers.push(watcher);
        void done.then(() => {
          if (!shown()) {
            clearTimeout(timer);
            reject(new Error(`the process ended before stderr showed ${String(text)}:\n${stderr}`));
          }
        });
      }),
  };
}

/**
 * Runs `program args` (a shell, prlimit…) without blocking this process's event loop, where the
 * fake tenant the tool talks to runs: a synchronous spawn would stall it until the tool timed out.
 */
export function runProgram(
  program: string,
  args: readonly string[],
  { cwd, env, uid, gid }: { cwd?: string; env?: Record<string, string>; uid?: number; gid?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd,
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      ...(uid !== undefined && { uid }),
      ...(gid !== undefined && { gid }),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a bash command line (no startup files) with `runProgram`. */
export const bash = (line: string, options: { cwd?: string; env?: Record<string, string> } = {}) =>
  runProgram("bash", ["--norc", "--noprofile", "-c", line], options);
