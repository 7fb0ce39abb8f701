// xsiam-fake-tenant, as a person runs it: it prints environment lines a client can use, and
// stops on Ctrl-C (SIGINT).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createXsiamClientFromEnv } from "@xsiam-sdk/client";
import { expect, test } from "vitest";

const bin = fileURLToPath(new URL("../bin/xsiam-fake-tenant.js", import.meta.url));

test("prints XSIAM_* lines on stdout that a client can use, then stops on SIGINT", async () => {
  const child = spawn(process.execPath, [bin, "--level", "standard", "--list-casing", "lower"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  try {
    while (!stderr.includes("Ctrl-C stops it.")) await once(child.stderr, "data");
    while (!stdout.includes("XSIAM_SECURITY_LEVEL=")) await once(child.stdout, "data");
    const lines = stdout.trim().split("\n");
    expect(lines.map((line) => line.split("=")[0])).toEqual([
      "XSIAM_BASE_URL",
      "XSIAM_API_KEY_ID",
      "XSIAM_API_KEY",
      "XSIAM_SECURITY_LEVEL",
    ]);
    const env = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(env.XSIAM_SECURITY_LEVEL).toBe("standard");
    expect(stderr).not.toContain(env.XSIAM_API_KEY);
    const xsiam = createXsiamClientFromEnv(env);
    const { id } = await xsiam.apiKeys.generate({ roles: ["Viewer"] });
    expect((await xsiam.apiKeys.list()).map((key) => key.id)).toContain(id);
  } finally {
    child.kill("SIGINT");
  }
  const [code] = await once(child, "exit");
  expect(code).toBe(0);
});

test.each([
  [["--level", "paranoid"], '--level must be "advanced" or "standard"'],
  [["--port", "http"], "--port must be a port number"],
  [["--colour"], "Unknown option '--colour'"],
])("%j is a usage error with the help", async (args, message) => {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  const [code] = await once(child, "exit");
  expect(code).toBe(1);
  expect(stderr).toContain(message);
  expect(stderr).toContain("Usage: xsiam-fake-tenant [options]");
});
