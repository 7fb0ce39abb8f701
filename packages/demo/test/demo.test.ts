import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { getFreePort, isRunning, startPrism } from "@xsiam-sdk/test-support";
import { expect, test } from "vitest";

const run = promisify(execFile);
const demo = fileURLToPath(new URL("../src/demo.mjs", import.meta.url));
const GENERATED_KEY = "oZFaXmXCLCdoWIXTb9ITSqUvl4OBLsUQgCeuZc5FdwMpmpY5QBn8OUePZiLMb";

function withoutXsiamVariables(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("XSIAM_")));
}

test("without XSIAM_* variables it runs against its own mock, then stops it", async () => {
  const { stdout } = await run(process.execPath, [demo], { env: withoutXsiamVariables(), timeout: 60_000 });
  expect(stdout).toMatch(/^xsiam-sdk demo against a Prism mock of spec\/openapi\.yaml/);
  expect(stdout).toMatch(
    /POST \/public_api\/v1\/api_keys\/generate: 200 in \d+ ms \(signed with nonce [A-Za-z0-9]{8}…, timestamp \d{13}\)/,
  );
  expect(stdout).toContain("created key id 4267, key oZFa… (61 characters)");
  expect(stdout).toMatch(/POST \/public_api\/v1\/api_keys\/delete: 200/);
  expect(stdout).toContain("deleted 1 key(s)");
  expect(stdout).toMatch(/Mock stopped\.\n$/);
  expect(stdout).not.toContain(GENERATED_KEY);
  expect(stdout).not.toContain("demo-key-the-mock-accepts-any-key");
  const pid = Number(/\(pid (\d+)\)/.exec(stdout)?.[1]);
  expect(isRunning(pid)).toBe(false);
}, 90_000);

test("with XSIAM_* variables it talks to that service instead", async () => {
  const tenant = await startPrism();
  try {
    const { stdout } = await run(process.execPath, [demo], {
      env: {
        ...withoutXsiamVariables(),
        XSIAM_BASE_URL: tenant.url,
        XSIAM_API_KEY: "a-tenant-key-never-printed",
        XSIAM_API_KEY_ID: "7",
        XSIAM_SECURITY_LEVEL: "standard",
      },
      timeout: 60_000,
    });
    expect(stdout).toMatch(
      new RegExp(`^xsiam-sdk demo against ${tenant.url} \\(from the XSIAM_\\* variables\\)`),
    );
    expect(stdout).toContain("(standard key, sent as is)");
    expect(stdout).toContain("deleted 1 key(s)\n");
    expect(stdout).not.toContain("Mock stopped");
    expect(stdout).not.toContain("a-tenant-key-never-printed");
  } finally {
    await tenant.stop();
  }
}, 90_000);

test("a failure is explained and the exit code is 1", async () => {
  const port = await getFreePort();
  const error = await run(process.execPath, [demo], {
    env: {
      ...withoutXsiamVariables(),
      XSIAM_BASE_URL: `http://127.0.0.1:${port}`,
      XSIAM_API_KEY: "a-tenant-key-never-printed",
      XSIAM_API_KEY_ID: "7",
    },
    timeout: 60_000,
  }).then(
    () => undefined,
    (failure: { code: number; stdout: string }) => failure,
  );
  expect(error?.code).toBe(1);
  expect(error?.stdout).toContain(
    `failed: XsiamNetworkError: generateApiKey: could not reach 127.0.0.1:${port} (ECONNREFUSED) [after 3 attempts]`,
  );
  expect(error?.stdout).not.toContain("a-tenant-key-never-printed");
}, 60_000);
