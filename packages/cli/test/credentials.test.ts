// Credentials files: --credentials (not Node's --env-file), the warning for a file others can
// read, and the env files the tool writes, which read back the same through the tool's own reader,
// Node's util.parseEnv and a shell, even with hostile connection values.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { createFakeTenant, type FakeTenant } from "@xsiam-sdk/testing";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { readSettings } from "../src/index.js";
import { redactSecret } from "../src/internal/consumer.js";
import { bash, envLines, workspace, xsiamKeys } from "./helpers.js";

let tenant: FakeTenant;
let dir: string;
beforeEach(async () => {
  tenant = await createFakeTenant();
  dir = workspace(tenant);
});
afterEach(() => tenant.close());

const run = (...args: string[]) => xsiamKeys(["--credentials", "admin.env", ...args], { cwd: dir });

describe("--credentials", () => {
  test("--env-file is Node's option: where it reaches the tool, it is refused, naming --credentials", async () => {
    // Node 20 takes `--env-file FILE` itself (and exits 9 when FILE is missing); the `=` form reaches the tool.
    const { code, stderr } = await xsiamKeys(["--env-file=admin.env", "check"], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toContain("--env-file is Node.js's own option");
    expect(stderr).toContain("use --credentials FILE");
  });

  test("a credentials file that others can read gets a warning, and still works", async () => {
    chmodSync(join(dir, "admin.env"), 0o644);
    const { code, stderr } = await run("check");
    expect(code).toBe(0);
    expect(stderr).toContain(
      "warning: admin.env can be read by every user (mode 644), and it holds a key: chmod 600 admin.env",
    );
    chmodSync(join(dir, "admin.env"), 0o600);
    expect((await run("check")).stderr).not.toContain("warning");
  });

  test("a file that names the tenant and a key replaces the environment's, not mixes with it", async () => {
    // An XSIAM_FQDN, a child tenant and a key of another tenant in the environment: the file's
    // XSIAM_BASE_URL and key are used alone (before, FQDN and BASE_URL clashed, and the child tenant
    // was sent with the file's key).
    const settings = await readSettings({
      env: {
        XSIAM_FQDN: "other.xdr.us.paloaltonetworks.com",
        XSIAM_CHILD_TENANT_ID: "someone-else",
        XSIAM_API_KEY_ID: "77",
        XSIAM_API_KEY: "not-this-one",
        XSIAM_SECURITY_LEVEL: "standard",
      },
      credentials: join(dir, "admin.env"),
    });
    expect(settings).toMatchObject({
      XSIAM_BASE_URL: tenant.baseUrl,
      XSIAM_API_KEY_ID: String(tenant.rootKey.id),
      XSIAM_SECURITY_LEVEL: tenant.rootKey.securityLevel,
    });
    for (const name of ["XSIAM_FQDN", "XSIAM_CHILD_TENANT_ID"]) expect(settings[name]).toBeUndefined();
    const { code } = await xsiamKeys(["--credentials", "admin.env", "check"], {
      cwd: dir,
      env: { XSIAM_FQDN: "other.xdr.us.paloaltonetworks.com", XSIAM_CHILD_TENANT_ID: "someone-else" },
    });
    expect(code).toBe(0);
    // A file with the key alone still takes the tenant and the id from the environment.
    writeFileSync(join(dir, "key-only.env"), `XSIAM_API_KEY=${tenant.rootKey.key}\n`, { mode: 0o600 });
    const keyOnly = await readSettings({
      env: { XSIAM_BASE_URL: tenant.baseUrl, XSIAM_API_KEY_ID: String(tenant.rootKey.id) },
      credentials: join(dir, "key-only.env"),
    });
    expect(keyOnly).toMatchObject({
      XSIAM_BASE_URL: tenant.baseUrl,
      XSIAM_API_KEY_ID: String(tenant.rootKey.id),
    });
  });

  test("a key where the tenant or the settle time goes is refused, and not shown", async () => {
    const key = tenant.rootKey.key;
    for (const env of [
      { XSIAM_FQDN: key.slice(0, 40), XSIAM_API_KEY_ID: "1", XSIAM_API_KEY: "x" },
      { XSIAM_BASE_URL: tenant.baseUrl, XSIAM_API_KEY_ID: "1", XSIAM_API_KEY: "x", XSIAM_SETTLE_MS: key },
    ]) {
      const { code, stderr } = await xsiamKeys(["list"], { cwd: dir, env });
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /XSIAM_FQDN holds a run of 32 or more letters and digits|XSIAM_SETTLE_MS must be/,
      );
      expect(stderr).not.toContain(key.slice(0, 16));
    }
  });

  test("a missing file is the tool's error (exit 1), naming the option", async () => {
    const { code, stderr } = await xsiamKeys(["--credentials", "nope.env", "check"], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toContain("cannot read --credentials nope.env (ENOENT)");
  });
});

describe("env files round-trip: the tool's reader, util.parseEnv and sh read what was written", () => {
  test("a child tenant id with # and a space, through generate --out", async () => {
    const child = "acme #2";
    writeFileSync(
      join(dir, "parent.env"),
      `${envLines(tenant, tenant.rootKey)}XSIAM_CHILD_TENANT_ID='${child}'\n`,
      {
        mode: 0o600,
      },
    );
    const made = await xsiamKeys(
      ["--credentials", "parent.env", "generate", "--role", "Viewer", "--out", "child.env"],
      {
        cwd: dir,
      },
    );
    expect(made.code).toBe(0);
    const text = readFileSync(join(dir, "child.env"), "utf8");
    expect(text).toContain(`XSIAM_CHILD_TENANT_ID='${child}'`);
    expect(tenant.keys(child)).toHaveLength(1);
    // The tool's own reader, as xsiam-mcp uses it.
    const settings = await readSettings({ env: {}, credentials: join(dir, "child.env") });
    expect(settings.XSIAM_CHILD_TENANT_ID).toBe(child);
    // Node's parser, and a shell that sources the file.
    expect(parseEnv(text).XSIAM_CHILD_TENANT_ID).toBe(child);
    const sourced = await bash("set -a; . ./child.env; printf '%s' \"$XSIAM_CHILD_TENANT_ID\"", { cwd: dir });
    expect(sourced.stdout).toBe(child);
    // And the key it holds works, in the child tenant.
    expect((await xsiamKeys(["--credentials", "child.env", "check"], { cwd: dir })).code).toBe(0);
  });

  test("a connection value that cannot be written safely is refused before anything is sent", async () => {
    writeFileSync(
      join(dir, "parent.env"),
      `${envLines(tenant, tenant.rootKey)}XSIAM_CHILD_TENANT_ID="it's $(id)"\n`,
      { mode: 0o600 },
    );
    const { code, stderr } = await xsiamKeys(
      ["--credentials", "parent.env", "generate", "--role", "Viewer", "--out", "child.env"],
      { cwd: dir },
    );
    expect(code).toBe(1);
    expect(stderr).toContain("XSIAM_CHILD_TENANT_ID cannot be written to an env file");
    expect(stderr).not.toContain("it's $(id)");
    expect(tenant.faults.calls()).toEqual({ generate: 0, list: 0, delete: 0 });
  });

  test("standard output redirected to a file others can read gets a warning", async () => {
    const { stderr } = await bash(
      `umask 022; ${process.execPath} ${join(import.meta.dirname, "../bin/xsiam-keys.js")} --credentials admin.env generate --role Viewer --format raw > key.txt`,
      { cwd: dir },
    );
    expect(stderr).toContain("warning: standard output is a file that others can read (mode 644)");
    expect(readFileSync(join(dir, "key.txt"), "utf8")).toMatch(/^[A-Za-z0-9]{128}\n$/);
  });
});

describe("redactSecret: what a --to-command consumer prints", () => {
  const key = "Q".repeat(4) + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".repeat(2);
  test.each([
    ["the key", key],
    ["folded", key.slice(0, 40)],
    ["less a character", key.slice(1)],
    ["base64", Buffer.from(key).toString("base64")],
    ["hex", Buffer.from(key).toString("hex").slice(0, 60)],
  ])("%s is redacted", (_, printed) => {
    const shown = redactSecret(`stored: ${printed} ok`, key);
    expect(shown).toBe("stored: [redacted] ok");
  });

  test("ordinary text is left alone", () => {
    expect(redactSecret("Success! Data written to: secret/xsiam/export", key)).toBe(
      "Success! Data written to: secret/xsiam/export",
    );
  });
});
