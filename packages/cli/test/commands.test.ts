// Every command of xsiam-keys as a process (the built bin) against a fake tenant: outputs, exit
// codes, file modes, and no key where it must not be.
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createFakeTenant, type FakeTenant } from "@xsiam-sdk/testing";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { envLines, parsedEnv, workspace, xsiamKeys } from "./helpers.js";

const DAY = 86_400_000;
let tenant: FakeTenant;
let dir: string;
beforeEach(async () => {
  tenant = await createFakeTenant();
  dir = workspace(tenant);
});
afterEach(() => tenant.close());

const run = (...args: string[]) => xsiamKeys(["--credentials", "admin.env", ...args], { cwd: dir });
/** Asserts that no secret of the tenant (the root key, any key in the given texts) is in `text`. */
const expectNoKey = (text: string, ...keys: string[]) => {
  for (const key of [tenant.rootKey.key, ...keys]) expect(text).not.toContain(key);
};

describe("help, version and usage", () => {
  test("--version prints the version", async () => {
    const { code, stdout } = await xsiamKeys(["--version"]);
    expect([code, stdout]).toEqual([0, "0.0.0\n"]);
  });

  test("--help documents the commands, the credentials and the exit codes, with examples", async () => {
    const { code, stdout } = await xsiamKeys(["--help"]);
    expect(code).toBe(0);
    for (const text of [
      "check",
      "rotate ID",
      "--api-key-stdin",
      "Exit codes:",
      "4  a rotation left",
      "Examples:",
    ])
      expect(stdout).toContain(text);
  });

  test.each(["check", "list", "generate", "delete", "rotate", "audit", "prune"])(
    "%s --help has examples",
    async (command) => {
      const { code, stdout } = await xsiamKeys([command, "--help"]);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: xsiam-keys ${command}`));
      expect(stdout).toContain("Examples:");
    },
  );

  test.each([
    [
      ["frobnicate"],
      '"frobnicate" is not a command\nhint: the commands are check, list, generate, delete, rotate, audit, prune',
    ],
    [["lsit"], '"lsit" is not a command; did you mean list?'],
    [["genrate", "--role", "Viewer"], '"genrate" is not a command; did you mean generate?'],
    [["list", "--colour"], 'list: unknown option "--colour"\nhint: xsiam-keys list --help'],
    [["list", "--rol", "Viewer"], 'list: unknown option "--rol"; did you mean --role?'],
    [["generate", "--outt", "x.env"], 'generate: unknown option "--outt"; did you mean --out?'],
    [["list", "--role"], "list: --role needs a value"],
    [["--credential", "admin.env", "list"], 'unknown option "--credential"; did you mean --credentials?'],
    [["--versoin"], 'unknown option "--versoin"; did you mean --version?'],
    [["delete", "5", "--yes=1"], "delete: --yes takes no value"],
    [[], "Usage: xsiam-keys <command>"],
  ])("%j is a usage error (exit 1)", async (args, message) => {
    const { code, stderr } = await xsiamKeys(args);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
  });

  test("with --json, errors are JSON on stderr too; without it, a pipe gets the readable message", async () => {
    const usage = await xsiamKeys(["list", "--rol", "Viewer", "--json"]);
    expect(usage.code).toBe(1);
    expect(JSON.parse(usage.stderr)).toEqual({
      error: {
        code: "usage",
        message: 'list: unknown option "--rol"; did you mean --role?',
        hint: "xsiam-keys list --help",
        exit: 1,
      },
    });
    const plain = await xsiamKeys(["list", "--rol", "Viewer"]);
    expect(plain.stderr).toMatch(/^xsiam-keys: list: unknown option/);
  });

  test("a key given as the --credentials path is not echoed; a path is", async () => {
    const key = "Ab1".repeat(40);
    const pasted = await xsiamKeys(["list", "--credentials", key]);
    expect(pasted.code).toBe(1);
    expect(pasted.stderr).toContain("cannot read --credentials a value of 120 characters (ENOENT)");
    expect(pasted.stderr).not.toContain("Ab1Ab1Ab1");
    const typo = await xsiamKeys(["list", "--credentials", "./admn.env"]);
    expect(typo.stderr).toContain("cannot read --credentials ./admn.env (ENOENT)");
  });

  test("a value that starts with a dash, or an XSIAM_* variable the client refuses, in the tool's words", async () => {
    const dash = await xsiamKeys(["audit", "--expiring-within", "-3d"]);
    expect(dash.stderr).toContain(
      'audit: --expiring-within needs a value; one that starts with "-" goes as --expiring-within=VALUE',
    );
    const level = await xsiamKeys(["check"], {
      env: {
        XSIAM_FQDN: "t.xdr.us.paloaltonetworks.com",
        XSIAM_API_KEY: "k".repeat(64),
        XSIAM_API_KEY_ID: "7",
        XSIAM_SECURITY_LEVEL: "Advanced!",
      },
    });
    expect(level.code).toBe(1);
    expect(level.stderr).toMatch(/^xsiam-keys: XSIAM_SECURITY_LEVEL /);
    expect(level.stderr).not.toContain("@xsiam-sdk/client");
  });

  test("check takes no arguments: a key pasted after it is refused, nothing sent, not echoed", async () => {
    const { code, stderr } = await run("check", "Q".repeat(64));
    expect(code).toBe(1);
    expect(stderr).toContain("check takes no arguments");
    expect(stderr).not.toContain("QQQQ");
    expect(tenant.faults.calls().list).toBe(0);
  });

  test("a key pasted where the command goes is not echoed", async () => {
    const key = "k".repeat(20) + "Q".repeat(44);
    const { code, stderr } = await xsiamKeys([key, "list"]);
    expect(code).toBe(1);
    expect(stderr).toContain("a value of 64 characters is not a command");
    expect(stderr).not.toContain("kkkkkkkk");
    const option = await xsiamKeys(["list", `--${key}`]);
    expect(option.code).toBe(1);
    expect(option.stderr).toContain("unknown option a value of 66 characters");
    expect(option.stderr).not.toContain("kkkkkkkk");
  });

  test.each(["--api-key", "--api-key=sEcReT-from-a-flag", "--key"])(
    "a key as a flag (%s) is refused and not echoed",
    async (flag) => {
      const { code, stderr } = await xsiamKeys(["check", flag, "sEcReT-from-a-flag"]);
      expect(code).toBe(1);
      expect(stderr).toContain("a key is never taken from a flag");
      expect(stderr).not.toContain("sEcReT-from-a-flag");
    },
  );

  test("without credentials, the error names every variable missing, and where they can come from", async () => {
    const { code, stderr } = await xsiamKeys(["check"]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "missing credentials: XSIAM_FQDN (or XSIAM_BASE_URL), XSIAM_API_KEY_ID, XSIAM_API_KEY",
    );
    expect(stderr).toContain("--credentials FILE");
    expect(stderr).toContain("--api-key-stdin");
  });

  test.each([
    ["abc", 'XSIAM_API_KEY_ID must be the key\'s id, a positive integer (got "abc")'],
    ["Q".repeat(64), "(got a value of 64 characters, not shown: it may be the key"],
  ])("an id that is not one (%s) is shown only if it cannot be a key", async (id, message) => {
    const { code, stderr } = await xsiamKeys(["check"], {
      env: {
        XSIAM_FQDN: "t.xdr.us.paloaltonetworks.com",
        XSIAM_API_KEY: "k".repeat(64),
        XSIAM_API_KEY_ID: id,
      },
    });
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain("QQQQQQQQQQQQ");
  });
});

describe("check", () => {
  test("authenticates and shows the key (JSON when stdout is not a terminal)", async () => {
    const { code, stdout, stderr } = await run("check");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      authenticated: true,
      key: { id: tenant.rootKey.id, roles: ["Instance Administrator"] },
    });
    expectNoKey(stdout + stderr);
  });

  test("a key that may not list keys still authenticates (exit 0)", async () => {
    const viewer = tenant.addKey({ roles: ["Viewer"] });
    writeFileSync(join(dir, "viewer.env"), envLines(tenant, viewer));
    const { code, stdout } = await xsiamKeys(["check", "--credentials", "viewer.env"], { cwd: dir });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ authenticated: true, baseUrl: tenant.baseUrl, key: null });
  });

  test("a wrong key is exit 2, with the hint", async () => {
    writeFileSync(join(dir, "wrong.env"), envLines(tenant, { ...tenant.rootKey, key: "x".repeat(128) }));
    const { code, stderr } = await xsiamKeys(["check", "--credentials", "wrong.env"], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain(`key ${tenant.rootKey.id} does not authenticate`);
    expect(stderr).toContain("hint: Signed as an advanced key");
    const json = await xsiamKeys(["check", "--credentials", "wrong.env", "--json"], { cwd: dir });
    expect(json.code).toBe(2);
    // Every line is JSON: the file's mode warning, then the error.
    const lines = json.stderr
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ warning: expect.stringContaining("wrong.env can be read by") });
    const { error } = lines.at(-1);
    expect(error).toMatchObject({ code: "auth", exit: 2 });
    expect(error.message).toContain(`key ${tenant.rootKey.id} does not authenticate`);
    expect(error.hint).toContain("Signed as an advanced key");
    expect(json.stderr).not.toContain("x".repeat(20));
  });

  test("a clock seven minutes off says so", async () => {
    await tenant.close();
    tenant = await createFakeTenant({ now: () => Date.now() - 7 * 60_000 });
    dir = workspace(tenant);
    const { code, stderr } = await run("check");
    expect(code).toBe(2);
    expect(stderr).toContain("hint: your clock is off by 7 minutes");
  });

  test("--api-key-stdin takes the key from a pipe", async () => {
    const { XSIAM_API_KEY: _, ...rest } = parsedEnv(envLines(tenant, tenant.rootKey));
    const { code } = await xsiamKeys(["check", "--api-key-stdin"], {
      env: rest,
      input: `${tenant.rootKey.key}\n`,
    });
    expect(code).toBe(0);
  });
});

describe("list", () => {
  test("filters by id, role and expiry; JSON with the fields of ApiKeyInfo", async () => {
    const soon = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + 2 * DAY });
    const later = tenant.addKey({ roles: ["Viewer", "Responder"], expiration: Date.now() + 20 * DAY });
    const ids = async (...args: string[]) =>
      JSON.parse((await run("list", ...args)).stdout).map((key: { id: number }) => key.id);
    expect(await ids()).toEqual([tenant.rootKey.id, soon.id, later.id]);
    expect(await ids("--role", "Viewer", "--role", "Responder")).toEqual([later.id]);
    expect(await ids("--id", String(soon.id), "--id", String(tenant.rootKey.id))).toEqual([
      tenant.rootKey.id,
      soon.id,
    ]);
    expect(await ids("--expiring-within", "7d")).toEqual([soon.id]);
    const [first] = JSON.parse((await run("list", "--id", String(later.id))).stdout);
    expect(Object.keys(first).sort()).toEqual(
      [
        "comment",
        "createdAt",
        "createdBy",
        "expiresAt",
        "id",
        "marker",
        "roles",
        "securityLevel",
        "userName",
      ].sort(),
    );
  });

  test("--marker finds the key a generate marked, given as printed or as its 16 letters and digits", async () => {
    const token = "q3XvR8kLm2Pw9TzA";
    const marked = tenant.addKey({ roles: ["Viewer"], comment: `nightly export [xsiam-sdk:${token}]` });
    tenant.addKey({ roles: ["Viewer"], comment: "nightly export [xsiam-sdk:AAAAAAAAAAAAAAAA]" });
    for (const given of [token, `[xsiam-sdk:${token}]`, `xsiam-sdk:${token}`]) {
      const { code, stdout } = await run("list", "--marker", given);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual([
        expect.objectContaining({ id: marked.id, comment: "nightly export", marker: `[xsiam-sdk:${token}]` }),
      ]);
    }
    // Without --marker, the comment is the caller's: no marker in it.
    const all = JSON.parse((await run("list")).stdout) as { id: number; comment: string | null }[];
    expect(all.find((key) => key.id === marked.id)?.comment).toBe("nightly export");
  });

  test("--verbose: a line per request and response on stderr, with no secret; JSON lines with --json", async () => {
    const { code, stderr } = await run("list", "--verbose");
    expect(code).toBe(0);
    expect(stderr).toContain("→ POST /public_api/v1/api_keys/get_api_keys (attempt 1 of 3)");
    expect(stderr).toMatch(/← 200 POST \/public_api\/v1\/api_keys\/get_api_keys in [\d.]+ ms \(attempt 1\)/);
    expect(stderr).not.toContain(tenant.rootKey.key);
    const json = await run("list", "-v", "--json");
    const lines = json.stderr
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({
      request: { method: "POST", path: "/public_api/v1/api_keys/get_api_keys", attempt: 1, maxAttempts: 3 },
    });
    expect(lines[1]).toMatchObject({ response: { status: 200, attempt: 1 } });
  });

  test.each([
    [["--expiring-within", "soon"], "--expiring-within must be a duration like 30d"],
    [["--id", "abc"], "--id must be a key id"],
    [["--marker", "[xsiam-sdk:short]"], "--marker must be a marker as generate prints it"],
  ])("%j is exit 1", async (args, message) => {
    const { code, stderr } = await run("list", ...args);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
  });
});

describe("generate", () => {
  test("a 504 whose request still creates the key: progress while it waits, the key found and deleted, one key handed over", async () => {
    // The gateway gives up at 100 ms; the service mints 700 ms after the request came.
    tenant.faults.inject("generate", { kind: "act-later", afterMs: 700, answerMs: 100, status: 504 });
    appendFileSync(join(dir, "admin.env"), "XSIAM_SETTLE_MS=5000\n");
    const { code, stderr } = await run("generate", "--role", "Viewer", "--out", "viewer.env");
    expect(code).toBe(0);
    // Off a terminal, the start of the wait and each check after it are lines of their own.
    expect(stderr).toMatch(
      /Waiting for the key the last try may still create: \d s left of 5\.0 s, 0 checks/,
    );
    expect(stderr).not.toContain("warning:");
    await tenant.idle();
    const env = parsedEnv(readFileSync(join(dir, "viewer.env"), "utf8"));
    expect(tenant.keys().map((stored) => stored.id)).toEqual([
      tenant.rootKey.id,
      Number(env.XSIAM_API_KEY_ID),
    ]);
  });

  test("a retry that succeeds after a window closed warns, naming the earlier marker and the command that finds its key", async () => {
    tenant.faults.inject("generate", { kind: "act-later", afterMs: 1_500, answerMs: 100, status: 504 });
    appendFileSync(join(dir, "admin.env"), "XSIAM_SETTLE_MS=300\n");
    const { code, stderr } = await run("generate", "--role", "Viewer", "--out", "viewer.env");
    expect(code).toBe(0);
    const warned =
      /warning: an earlier attempt's request \(marker (\[xsiam-sdk:([A-Za-z0-9]{16})\])\) may still create a key after the tool stopped waiting for it; nobody would hold that key: xsiam-keys list --marker ([A-Za-z0-9]{16}) --credentials admin\.env finds it, to delete/.exec(
        stderr,
      );
    expect(warned?.[2]).toBe(warned?.[3]);
    await tenant.idle();
    const listed = await run("list", "--marker", warned?.[2] ?? "?");
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ marker: warned?.[1] })]);
  });

  test("every try's window closes: the failure in the tool's words, with the command that finds each try's key", async () => {
    tenant.faults.inject(
      "generate",
      { kind: "act-later", afterMs: 1_500, answerMs: 100, status: 504 },
      { times: 3 },
    );
    appendFileSync(join(dir, "admin.env"), "XSIAM_SETTLE_MS=200\n");
    const { code, stderr } = await run("generate", "--role", "Viewer", "--out", "viewer.env");
    expect(code).toBe(3);
    expect(stderr).toMatch(/xsiam-keys: generating a key failed \(HTTP 504: Gateway timeout\)/);
    const commands = stderr.match(
      /xsiam-keys list --marker [A-Za-z0-9]{16} --credentials admin\.env finds it/g,
    );
    expect(commands).toHaveLength(3);
    expect(stderr).not.toContain("apiKeys.list()");
    expect(stderr).not.toContain("generateApiKey");
    await tenant.idle();
  });

  test("--out writes a new file of mode 600 in env format, and the key nowhere else", async () => {
    const { code, stdout, stderr } = await run(
      "generate",
      "--role",
      "Viewer",
      "--comment",
      "ci",
      "--expires",
      "30d",
      "--out",
      "viewer.env",
    );
    expect(code).toBe(0);
    const file = join(dir, "viewer.env");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const env = parsedEnv(readFileSync(file, "utf8"));
    expect(Object.keys(env)).toEqual([
      "XSIAM_BASE_URL",
      "XSIAM_API_KEY_ID",
      "XSIAM_API_KEY",
      "XSIAM_SECURITY_LEVEL",
    ]);
    expect(env.XSIAM_API_KEY).toMatch(/^[A-Za-z0-9]{128}$/);
    expectNoKey(stdout + stderr, env.XSIAM_API_KEY ?? "?");
    const stored = tenant.keys().find((key) => key.id === Number(env.XSIAM_API_KEY_ID));
    expect(stored).toMatchObject({ roles: ["Viewer"], securityLevel: "advanced" });
    expect(stored?.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  test("an existing file is refused without --force, before anything is created; --force replaces it, keeping its mode", async () => {
    writeFileSync(join(dir, "taken.env"), "mine\n", { mode: 0o640 });
    const refused = await run("generate", "--role", "Viewer", "--out", "taken.env");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("taken.env exists; not overwriting it");
    expect(tenant.keys()).toHaveLength(1);
    expect(readFileSync(join(dir, "taken.env"), "utf8")).toBe("mine\n");
    expect((await run("generate", "--role", "Viewer", "--out", "taken.env", "--force")).code).toBe(0);
    expect(parsedEnv(readFileSync(join(dir, "taken.env"), "utf8")).XSIAM_API_KEY).toBeDefined();
    expect(statSync(join(dir, "taken.env")).mode & 0o777).toBe(0o640);
  });

  test.each([
    ["env", (out: string) => parsedEnv(out).XSIAM_API_KEY],
    ["json", (out: string) => JSON.parse(out).key],
    ["raw", (out: string) => out.trim()],
  ])("to a pipe in %s format: the key on stdout only", async (format, keyOf) => {
    const { code, stdout, stderr } = await run("generate", "--role", "Viewer", "--format", format);
    expect(code).toBe(0);
    const key = keyOf(stdout);
    expect(key).toMatch(/^[A-Za-z0-9]{128}$/);
    expectNoKey(stderr, key);
    expect(stderr).toMatch(/Created key \d+ .* handed over to standard output/);
  });

  test("to a pipe without --format: refused before a key is created (standard output may be a CI log)", async () => {
    const { code, stderr } = await run("generate", "--role", "Viewer");
    expect(code).toBe(1);
    expect(stderr).toContain("refusing to write a new key to standard output without --format");
    expect(tenant.keys()).toHaveLength(1);
  });

  test("the file it writes works as --credentials: the round trip", async () => {
    expect((await run("generate", "--role", "Instance Administrator", "--out", "job.env")).code).toBe(0);
    const { code, stdout } = await xsiamKeys(["check", "--credentials", "job.env"], { cwd: dir });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).key.id).toBe(
      Number(parsedEnv(readFileSync(join(dir, "job.env"), "utf8")).XSIAM_API_KEY_ID),
    );
  });

  test.each([
    [[], "generate needs at least one --role"],
    [["--role", "Viewer", "--level", "paranoid"], "--level must be advanced or standard"],
    [["--role", "Viewer", "--expires", "someday"], "--expires must be a duration like 30d or an ISO date"],
    [["--role", "Viewer", "--format", "yaml"], "--format must be env, json or raw"],
  ])("%j is exit 1 and creates nothing", async (args, message) => {
    const { code, stderr } = await run("generate", ...args);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(tenant.keys()).toHaveLength(1);
  });

  test("a key the API created cannot generate: exit 2, nothing created", async () => {
    const minted = tenant.addKey({ roles: ["Instance Administrator"], createdViaApi: true });
    writeFileSync(join(dir, "minted.env"), envLines(tenant, minted));
    const { code, stderr } = await xsiamKeys(
      ["generate", "--credentials", "minted.env", "--role", "Viewer", "--format", "raw"],
      { cwd: dir },
    );
    expect(code).toBe(2);
    expect(stderr).toContain("A key created by the API cannot create keys");
    expect(tenant.keys()).toHaveLength(2);
  });
});

describe("audit and prune", () => {
  test("audit finds expired, expiring, never-expiring and too-old keys; exit 5, or 0 when none", async () => {
    const now = Date.now();
    const expired = tenant.addKey({ roles: ["Viewer"], expiration: now - 2 * DAY, comment: "old job" });
    const soon = tenant.addKey({ roles: ["Viewer"], expiration: now + 3 * DAY });
    const fine = tenant.addKey({ roles: ["Viewer"], expiration: now + 60 * DAY });
    const { code, stdout } = await run("audit");
    expect(code).toBe(5);
    const report = JSON.parse(stdout);
    // The root key never expires: a finding too.
    expect(
      report.findings.map((finding: { id: number; kind: string }) => [finding.id, finding.kind]),
    ).toEqual([
      [tenant.rootKey.id, "no-expiry"],
      [expired.id, "expired"],
      [soon.id, "expiring"],
    ]);
    expect(report).toMatchObject({ checked: 4, expiringWithinDays: 14 });
    expect(report.findings[1]).toMatchObject({ roles: ["Viewer"], comment: "old job" });
    const wider = JSON.parse((await run("audit", "--expiring-within", "90d", "--role", "Viewer")).stdout);
    expect(wider.findings.map((finding: { id: number }) => finding.id)).toEqual([
      expired.id,
      soon.id,
      fine.id,
    ]);
    const typo = await run("audit", "--id", "999");
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("no key with id 999: nothing to audit there");
    const clean = await run("audit", "--id", String(fine.id));
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout).findings).toEqual([]);
    const aged = JSON.parse((await run("audit", "--id", String(fine.id), "--max-age", "1s")).stdout);
    expect(aged.findings).toEqual([expect.objectContaining({ id: fine.id, kind: "too-old" })]);
    const bad = await run("audit", "--max-age", "forever");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--max-age must be a duration");
  });

  test("prune --expired deletes the keys expired over an hour ago only, as delete does; --dry-run keeps them", async () => {
    const now = Date.now();
    const expired = tenant.addKey({ roles: ["Viewer"], expiration: now - DAY });
    const live = tenant.addKey({ roles: ["Viewer"], expiration: now + DAY });
    // Expired by this machine's clock, but a clock an hour ahead of the tenant's would be wrong.
    const lately = tenant.addKey({ roles: ["Viewer"], expiration: now - 30 * 60_000 });
    const refused = await run("prune");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("prune needs --expired");
    const dry = await run("prune", "--expired", "--dry-run");
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ deleted: [], wouldDelete: [expired.id], notFound: [] });
    const noTerminal = await run("prune", "--expired");
    expect(noTerminal.code).toBe(1);
    expect(noTerminal.stderr).toContain("add --yes");
    const done = await run("prune", "--expired", "--yes");
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toEqual({ deleted: [expired.id], notFound: [], updateCount: 1 });
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id, live.id, lately.id]);
    const again = await run("prune", "--expired", "--yes");
    expect(JSON.parse(again.stdout)).toEqual({ deleted: [], wouldDelete: [], notFound: [] });
  });
});

describe("delete", () => {
  test("--yes deletes; --dry-run shows and keeps", async () => {
    const a = tenant.addKey({ roles: ["Viewer"] });
    const b = tenant.addKey({ roles: ["Viewer"] });
    const dry = await run("delete", String(a.id), "--dry-run");
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ deleted: [], wouldDelete: [a.id], notFound: [] });
    expect(tenant.keys()).toHaveLength(3);
    const { code, stdout } = await run("delete", String(a.id), String(b.id), "--yes");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ deleted: [a.id, b.id], notFound: [], updateCount: 2 });
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id]);
  });

  test("an id with no key deletes nothing and exits 1, unless --missing-ok", async () => {
    const a = tenant.addKey({ roles: ["Viewer"] });
    const typo = await run("delete", String(a.id), "999", "--yes");
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("no key with id 999: nothing was deleted");
    expect(typo.stderr).toContain("add --missing-ok to delete the one that exists");
    expect(tenant.keys()).toHaveLength(2);
    const none = await run("delete", "999", "--yes");
    expect(none.code).toBe(1);
    const rerun = await run("delete", String(a.id), "999", "--yes", "--missing-ok");
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toEqual({ deleted: [a.id], notFound: [999], updateCount: 1 });
    const again = await run("delete", String(a.id), "--yes", "--missing-ok");
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ deleted: [], wouldDelete: [], notFound: [a.id] });
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id]);
  });

  test("without a terminal and without --yes it refuses, and deletes nothing", async () => {
    const a = tenant.addKey({ roles: ["Viewer"] });
    const { code, stderr } = await run("delete", String(a.id));
    expect(code).toBe(1);
    expect(stderr).toContain("there is no terminal to ask on");
    expect(stderr).toContain("hint: add --yes");
    expect(tenant.keys()).toHaveLength(2);
  });

  test("it never deletes the key it authenticates with", async () => {
    const { code, stderr } = await run("delete", String(tenant.rootKey.id), "--yes");
    expect(code).toBe(1);
    expect(stderr).toContain(`refusing to delete key ${tenant.rootKey.id}`);
    expect(tenant.keys()).toHaveLength(1);
  });

  test("an id past what a number holds is refused as typed, not rounded", async () => {
    const { code, stderr } = await run("delete", "9007199254740993", "--yes");
    expect(code).toBe(1);
    expect(stderr).toContain("delete: argument 1, 9007199254740993, is larger than any key id");
    expect(stderr).not.toContain("9007199254740992");
  });

  test("--format json uses the client's option names", async () => {
    const { code, stdout, stderr } = await run("generate", "--role", "Viewer", "--format", "json", "--json");
    expect(code).toBe(0);
    expect(Object.keys(JSON.parse(stdout))).toEqual(["id", "key", "securityLevel", "baseUrl"]);
    // With --json every line on stderr is JSON: the marker note too.
    const lines = stderr
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({
      note: expect.stringMatching(/^note: the new key will have marker \[xsiam-sdk:/),
    });
  });

  test("an argument that is not an id is refused without being echoed", async () => {
    const { code, stderr } = await run("delete", "pasted-sEcReT-key", "--yes");
    expect(code).toBe(1);
    expect(stderr).toContain("argument 1 is not a key id");
    expect(stderr).not.toContain("pasted-sEcReT-key");
  });
});

describe("rotate", () => {
  /** A key the user holds in `app.env`, to rotate with the admin key. */
  function heldKey() {
    const key = tenant.addKey({
      roles: ["Instance Administrator"],
      comment: "export job",
      expiration: Date.now() + 10 * DAY,
    });
    const text = envLines(tenant, key);
    writeFileSync(join(dir, "app.env"), text, { mode: 0o640 });
    return { key, text };
  }
  /** The key in app.env, and whether it authenticates: what the user holds. */
  async function held() {
    const env = parsedEnv(readFileSync(join(dir, "app.env"), "utf8"));
    const { code } = await xsiamKeys(["check", "--credentials", "app.env"], { cwd: dir });
    return { id: Number(env.XSIAM_API_KEY_ID), works: code === 0 };
  }
  const rotate = (id: number, ...args: string[]) =>
    run("rotate", String(id), "--out", "app.env", "--force", ...args);

  test("new key with the same roles, level and comment, handed over and checked; the old one deleted", async () => {
    const { key } = heldKey();
    const { code, stdout, stderr } = await rotate(key.id);
    expect(code).toBe(0);
    for (const step of [
      "1/5 Reading key",
      "2/5 Generating",
      "3/5 Handing it over to app.env",
      "4/5 Checking that the new key authenticates",
      "5/5 Deleting key",
    ])
      expect(stderr).toContain(step);
    const now = await held();
    expect(now.works).toBe(true);
    expect(now.id).not.toBe(key.id);
    expect(stderr).toContain(
      `You hold the new key ${now.id}, in app.env (mode 640, kept, env). Key ${key.id} was deleted.`,
    );
    expect(tenant.keys().map((stored) => stored.id)).toEqual([tenant.rootKey.id, now.id]);
    const fresh = tenant.keys().find((stored) => stored.id === now.id);
    expect(fresh).toMatchObject({ roles: ["Instance Administrator"], securityLevel: "advanced" });
    expect(fresh?.comment).toMatch(/^export job \[xsiam-sdk:[A-Za-z0-9]{16}\]$/);
    // The old key's lifetime: about ten days.
    expect((fresh?.expiresAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(9 * DAY);
    expectNoKey(stdout + stderr, parsedEnv(readFileSync(join(dir, "app.env"), "utf8")).XSIAM_API_KEY ?? "?");
  });

  test("--keep-old keeps it and prints the command to delete it later", async () => {
    const { key } = heldKey();
    const { code, stderr } = await rotate(key.id, "--keep-old");
    expect(code).toBe(0);
    expect(stderr).toContain(
      `Key ${key.id} still works; once nothing uses it, delete it with: xsiam-keys delete ${key.id} --yes --credentials admin.env`,
    );
    expect(tenant.keys()).toHaveLength(3);
  });

  test("--dry-run changes nothing", async () => {
    const { key, text } = heldKey();
    expect((await rotate(key.id, "--dry-run")).code).toBe(0);
    expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(text);
    expect(tenant.keys()).toHaveLength(2);
  });

  // A fault at each step: at the end the user holds exactly one working key.
  test("generate fails: nothing changed, the old key is the one held (exit 3)", async () => {
    const { key, text } = heldKey();
    tenant.faults.inject("generate", { kind: "refuse", status: 502 }, { times: 20 });
    // A 502 may come from a gateway while the service still works: each is waited for this long.
    appendFileSync(join(dir, "admin.env"), "XSIAM_SETTLE_MS=300\n");
    const { code, stderr } = await rotate(key.id);
    expect(code).toBe(3);
    expect(stderr).toContain(`Nothing changed: you hold key ${key.id}.`);
    expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(text);
    expect(await held()).toEqual({ id: key.id, works: true });
    expect(tenant.keys()).toHaveLength(2);
  });

  test("an --out that cannot be written is refused before anything is created (exit 1)", async () => {
    const { key } = heldKey();
    writeFileSync(join(dir, "not-a-folder"), "");
    const { code, stderr } = await run("rotate", String(key.id), "--out", "not-a-folder/app.env");
    expect(code).toBe(1);
    expect(stderr).toContain("cannot write --out not-a-folder/app.env: not-a-folder is not a folder");
    expect(tenant.faults.calls()).toEqual({ generate: 0, list: 0, delete: 0 });
    expect(await held()).toEqual({ id: key.id, works: true });
  });

  test("the check gets 401: the file is put back and the new key deleted (exit 2)", async () => {
    const { key, text } = heldKey();
    // list call 1 reads the old key; calls 2 to 4 are the new key's checks.
    tenant.faults.inject("list", { kind: "refuse", status: 401 }, { calls: [2, 3, 4] });
    const { code, stderr } = await rotate(key.id);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /does not authenticate: HTTP 401: Public API request unauthorized \[after 3 tries\]/,
    );
    expect(stderr).toContain("Undoing: putting app.env (mode 640, kept, env) back as it was");
    expect(stderr).toContain(`Nothing changed: you hold key ${key.id}.`);
    expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(text);
    expect(statSync(join(dir, "app.env")).mode & 0o777).toBe(0o640);
    expect(tenant.keys().map((stored) => stored.id)).toEqual([tenant.rootKey.id, key.id]);
    expect(await held()).toEqual({ id: key.id, works: true });
  });

  test("503s right after the hand-over: the file is put back even though the new key cannot be deleted (exit 4)", async () => {
    const { key, text } = heldKey();
    tenant.faults.inject(
      "list",
      { kind: "refuse", status: 503 },
      { calls: Array.from({ length: 20 }, (_, i) => i + 2) },
    );
    tenant.faults.inject("delete", { kind: "refuse", status: 503 }, { times: 20 });
    const { code, stderr } = await rotate(key.id);
    expect(code).toBe(4);
    expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(text);
    const left = tenant.keys().find((stored) => stored.id !== tenant.rootKey.id && stored.id !== key.id);
    expect(left).toBeDefined();
    expect(stderr).toContain(
      `You hold key ${key.id}. To finish: xsiam-keys delete ${left?.id} --yes --credentials admin.env`,
    );
    tenant.faults.clear();
    expect(await held()).toEqual({ id: key.id, works: true });
  });

  test("deleting the old key fails: the new key is held and works; exit 4 says what to do", async () => {
    const { key } = heldKey();
    tenant.faults.inject("delete", { kind: "refuse", status: 503 }, { times: 3 });
    const { code, stderr } = await rotate(key.id);
    expect(code).toBe(4);
    const now = await held();
    expect(now.works).toBe(true);
    expect(now.id).not.toBe(key.id);
    expect(stderr).toContain(
      `key ${key.id} could not be deleted, though the service may still delete it: delete it with xsiam-keys delete ${key.id} --yes --credentials admin.env`,
    );
    expect(stderr).toContain(
      `You hold key ${now.id}. To finish: xsiam-keys delete ${key.id} --yes --credentials admin.env`,
    );
    expect(tenant.keys().map((stored) => stored.id)).toEqual([tenant.rootKey.id, key.id, now.id]);
  });

  test("it refuses to rotate the key it authenticates with, and a key that does not exist", async () => {
    expect((await rotate(tenant.rootKey.id)).stderr).toContain("refusing to rotate key");
    const missing = await run("rotate", "424242", "--format", "raw");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("there is no key 424242");
    expect(missing.stderr).toContain("→ Nothing changed.");
    expect(missing.stderr).not.toContain("you hold key 424242");
    expect(existsSync(join(dir, "app.env"))).toBe(false);
  });
});
