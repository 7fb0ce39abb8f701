import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeTenant, UsableKey } from "@xsiam-sdk/testing";

/** The built bin, as npm would install it. */
export const BIN = fileURLToPath(new URL("../bin/xsiam-keys.js", import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `xsiam-keys args` as a process, in `cwd`, with only the environment given (plus PATH),
 * `input` on standard input, and neither stdin nor stdout a terminal.
 */
export function xsiamKeys(
  args: readonly string[],
  { cwd, env = {}, input }: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
      stdio: ["pipe", "pipe", "pipe"],
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
    child.stdin.end(input ?? "");
  });
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
