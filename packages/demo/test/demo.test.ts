// `pnpm demo` as the Quick start runs it: the key lifecycle through xsiam-keys, against its own
// fake tenant, or a tenant named by XSIAM_* (read-only unless XSIAM_DEMO_WRITE=1).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { getFreePort } from "@xsiam-sdk/test-support";
import { createFakeTenant } from "@xsiam-sdk/testing";
import { expect, test } from "vitest";

const run = promisify(execFile);
const demo = fileURLToPath(new URL("../src/demo.mjs", import.meta.url));

function withoutXsiamVariables(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("XSIAM_")));
}
/** The commands the demo printed, in order. */
const commandsOf = (stdout: string) =>
  [...stdout.matchAll(/^\$ xsiam-keys (?:--credentials admin\.env )?(\w+)/gm)].map((match) => match[1]);

test("without XSIAM_* variables: the whole lifecycle against its own fake tenant, which it stops", async () => {
  const { stdout } = await run(process.execPath, [demo], { env: withoutXsiamVariables(), timeout: 60_000 });
  expect(stdout).toMatch(/^xsiam-sdk demo: the key lifecycle with xsiam-keys, against a fake tenant/);
  expect(commandsOf(stdout)).toEqual(["check", "list", "generate", "rotate", "list", "delete"]);
  expect(stdout).toContain("✓ Key 1 authenticates");
  expect(stdout).toMatch(/ID\s+LEVEL\s+ROLES\s+COMMENT\s+CREATED\s+EXPIRES\s+EXPIRES IN/);
  expect(stdout).toMatch(
    /Created key 2 \(advanced; Viewer; expires .*\), handed over to demo-key\.env \(mode 600, env\)/,
  );
  expect(stdout).toContain(
    "→ You hold the new key 3, in demo-key.env (mode 600, kept, env). Key 2 was deleted.",
  );
  expect(stdout).toContain("✓ Deleted 1 key: 3.");
  expect(stdout).toMatch(/Fake tenant stopped\.\n$/);
  // No key of the tenant's, in any form the tool writes one.
  expect(stdout).not.toMatch(/[A-Za-z0-9]{128}/);
}, 90_000);

test("with XSIAM_* variables it uses that tenant, read-only; XSIAM_DEMO_WRITE=1 runs the rest", async () => {
  const tenant = await createFakeTenant();
  try {
    const env = {
      ...withoutXsiamVariables(),
      XSIAM_BASE_URL: tenant.baseUrl,
      XSIAM_API_KEY: tenant.rootKey.key,
      XSIAM_API_KEY_ID: String(tenant.rootKey.id),
    };
    const readOnly = await run(process.execPath, [demo], { env, timeout: 60_000 });
    expect(readOnly.stdout).toContain(`against ${tenant.baseUrl}`);
    expect(commandsOf(readOnly.stdout)).toEqual(["check", "list"]);
    expect(tenant.keys()).toHaveLength(1);
    const writing = await run(process.execPath, [demo], {
      env: { ...env, XSIAM_DEMO_WRITE: "1", XSIAM_DEMO_ROLE: "Responder" },
      timeout: 60_000,
    });
    expect(commandsOf(writing.stdout)).toEqual(["check", "list", "generate", "rotate", "list", "delete"]);
    expect(writing.stdout).not.toContain("Fake tenant stopped");
    expect(writing.stdout).not.toContain(tenant.rootKey.key);
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id]);
  } finally {
    await tenant.close();
  }
}, 90_000);

test("a failure is explained and the exit code is the tool's", async () => {
  const port = await getFreePort();
  const error = await run(process.execPath, [demo], {
    env: {
      ...withoutXsiamVariables(),
      XSIAM_BASE_URL: `http://127.0.0.1:${port}`,
      XSIAM_API_KEY: "k".repeat(20),
      XSIAM_API_KEY_ID: "7",
    },
    timeout: 60_000,
  }).catch((caught: { code: number; stdout: string }) => caught);
  expect((error as { code: number }).code).toBe(3);
  expect((error as { stdout: string }).stdout).toContain(`could not reach 127.0.0.1:${port} (ECONNREFUSED)`);
  expect((error as { stdout: string }).stdout).toContain("Demo stopped: xsiam-keys check exited with 3");
}, 90_000);
