// The promise, tried on the built bin against the fake tenant: after any failure or signal, the user
// holds a working key, and the tenant holds no key nobody holds unless the message names it. One run
// per hand-over outcome (a consumer that fails, a short write, EPIPE, ENOSPC, a FIFO, a symbolic
// link, a file of another user) and per signal point (SIGINT and SIGTERM at each step).
import { execFileSync, spawnSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { createFakeTenant, type FakeTenant, type UsableKey } from "@xsiam-sdk/testing";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  BIN,
  bash,
  envLines,
  parsedEnv,
  runProgram,
  startXsiamKeys,
  workspace,
  xsiamKeys,
} from "./helpers.js";

const DAY = 86_400_000;
let tenant: FakeTenant;
let dir: string;
beforeEach(async () => {
  tenant = await createFakeTenant();
  dir = workspace(tenant);
});
afterEach(() => tenant.close());

const run = (...args: string[]) => xsiamKeys(["--credentials", "admin.env", ...args], { cwd: dir });

/** A key the user holds in `app.env` (mode 640), to rotate with the admin key. */
function heldKey(file = "app.env"): { key: UsableKey; text: string } {
  const key = tenant.addKey({ roles: ["Viewer"], comment: "export job", expiration: Date.now() + 10 * DAY });
  const text = envLines(tenant, key);
  writeFileSync(join(dir, file), text, { mode: 0o640 });
  return { key, text };
}

/** Whether `key` authenticates, asked of the tool itself. */
async function works(key: { id: number; key: string }): Promise<boolean> {
  writeFileSync(
    join(dir, "probe.env"),
    envLines(tenant, { id: key.id, key: key.key, securityLevel: "advanced" }),
    { mode: 0o600 },
  );
  return (await xsiamKeys(["check", "--credentials", "probe.env"], { cwd: dir })).code === 0;
}

const ids = () => tenant.keys().map((key) => key.id);
/** Keys other than the root key and `held`: keys nobody holds. */
const orphans = (...held: number[]) => ids().filter((id) => id !== tenant.rootKey.id && !held.includes(id));

describe("--to-command: the consumer's exit status is the check", () => {
  test("a consumer that reads the key and fails: the new key is deleted, the old one kept (exit 1)", async () => {
    const { key } = heldKey();
    const { code, stderr } = await run(
      "rotate",
      String(key.id),
      "--to-command",
      'read k; echo "storing ${#k} characters: $k" >&2; exit 2',
    );
    expect(code).toBe(1);
    expect(stderr).toContain("│ storing 128 characters: [redacted]");
    expect(stderr).toContain("failed at the hand-over (the command exited with 2)");
    expect(stderr).toContain(`Nothing changed: you hold key ${key.id}.`);
    expect(orphans(key.id)).toEqual([]);
    expect(await works(key)).toBe(true);
  });

  test.each([
    ["folded over lines", "fold -w 64 >&2; exit 3"],
    ["base64-encoded", "base64 -w0 >&2; exit 3"],
    ["less its first character", 'k=$(cat); echo "token=${k#?}" >&2; exit 3'],
    ["inside other text", 'k=$(cat); echo "prefix-$k-suffix" >&2; exit 3'],
  ])("a consumer that prints the key %s: the tool shows none of it", async (_, command) => {
    const { key } = heldKey();
    const { code, stderr } = await run("rotate", String(key.id), "--to-command", command);
    expect(code).toBe(1);
    expect(stderr).toContain("│ ");
    expect(stderr).toContain("[redacted]");
    // The key is 128 letters and digits: no long run of them, or of its base64 form, is left.
    expect(stderr).not.toMatch(/[A-Za-z0-9+/=]{32,}/);
    expect(stderr).not.toMatch(/[A-Za-z0-9]{20,}/);
  });

  test.each([
    ["reads nothing", "true"],
    ["reads a piece", "head -c 20 > stored.txt"],
  ])("a consumer that exits 0 but %s: the key is not counted as stored (exit 1)", async (_, command) => {
    const { key } = heldKey();
    const { code, stderr } = await run("rotate", String(key.id), "--to-command", command);
    expect(code).toBe(1);
    expect(stderr).toContain("the command exited with 0 without reading all of the key it was given");
    expect(orphans(key.id)).toEqual([]);
    expect(await works(key)).toBe(true);
  });

  test("a consumer that leaves a child in the background is judged when it exits, not when the child does", async () => {
    const { key } = heldKey();
    const started = Date.now();
    const { code } = await run(
      "rotate",
      String(key.id),
      "--to-command",
      "cat > stored.txt; setsid sleep 20 > /dev/null 2>&1 < /dev/null & sleep 30 &",
      "--command-timeout",
      "10s",
    );
    expect(code).toBe(0);
    // Neither sleeper held the tool: it was done long before either would have ended.
    expect(Date.now() - started).toBeLessThan(15_000);
    const newId = orphans()[0] as number;
    expect(await works({ id: newId, key: readFileSync(join(dir, "stored.txt"), "utf8").trim() })).toBe(true);
  });

  test("a key printed across the point where a long line is cut is redacted all the same", async () => {
    const { key } = heldKey();
    const { stderr } = await run(
      "rotate",
      String(key.id),
      "--to-command",
      'read k; head -c 1990 /dev/zero | tr "\\0" x >&2; printf %s "$k" >&2; echo >&2; exit 3',
    );
    expect(stderr).toContain("[redacted]");
    // Without the padding, no run of the key's letters and digits is left, on either side of the cut.
    const shown = stderr
      .replace(/x{50,}/g, " ")
      .replace(/\[xsiam-sdk:[A-Za-z0-9]{16}\]|--marker [A-Za-z0-9]{16}/g, "[marker]");
    expect(shown).not.toMatch(/[A-Za-z0-9]{12,}/);
  });

  test("a consumer that takes too long is stopped, and counts as failed", async () => {
    const { key } = heldKey();
    const { code, stderr } = await run(
      "rotate",
      String(key.id),
      "--to-command",
      "sleep 30",
      "--command-timeout",
      "1s",
    );
    expect(code).toBe(1);
    expect(stderr).toContain("the command did not finish within 1 s");
    expect(orphans(key.id)).toEqual([]);
  });

  test("the command gets the key on stdin only: not in its arguments or environment, and no XSIAM_* variable", async () => {
    const { key } = heldKey();
    const script = 'cat > stored.txt; env > env.txt; echo "$0 $*" > args.txt';
    const { code } = await xsiamKeys(["rotate", String(key.id), "--to-command", script], {
      cwd: dir,
      env: parsedEnv(envLines(tenant, tenant.rootKey)),
    });
    expect(code).toBe(0);
    const stored = readFileSync(join(dir, "stored.txt"), "utf8").trim();
    expect(stored).toMatch(/^[A-Za-z0-9]{128}$/);
    expect(readFileSync(join(dir, "env.txt"), "utf8")).not.toMatch(/XSIAM_|[A-Za-z0-9]{128}/);
    expect(readFileSync(join(dir, "args.txt"), "utf8")).not.toContain(stored);
    const newId = orphans()[0];
    expect(ids()).toEqual([tenant.rootKey.id, newId]);
    expect(await works({ id: newId as number, key: stored })).toBe(true);
  });
});

describe("standard output: a hand-over the tool cannot check never costs the old key", () => {
  // rotate | consumer, as a CI job writes it.
  const pipeline = (id: number, consumer: string) =>
    bash(
      `set -o pipefail; ${process.execPath} ${BIN} --credentials admin.env rotate ${id} --format raw | ${consumer}`,
      { cwd: dir },
    );

  test.each([
    ["fails after reading the key", "{ cat > /dev/null; exit 2; }"],
    ["reads nothing and fails", "exit 2"],
    ["closes early", "head -c 5 > /dev/null"],
  ])("a consumer that %s: the old key still works", async (_, consumer) => {
    const { key } = heldKey();
    const result = await pipeline(key.id, consumer);
    expect(result.stderr).not.toMatch(/[A-Za-z0-9]{128}/);
    expect(ids()).toContain(key.id);
    expect(await works(key)).toBe(true);
    // Either the key reached the pipe (and the old one was kept, with the command to finish), or the
    // pipe was closed before it (EPIPE: the new key was deleted). Never a key nobody is told about.
    const left = orphans(key.id);
    if (left.length > 0) {
      expect(result.stderr).toContain(`so key ${key.id} was kept`);
      expect(result.stderr).toContain(
        `finish with: xsiam-keys delete ${key.id} --yes --credentials admin.env`,
      );
    } else {
      expect(result.stderr).toMatch(/standard output failed \(EPIPE\)/);
    }
  });

  test("EPIPE before the key is written: the new key is deleted (generate and rotate)", async () => {
    const { key } = heldKey();
    // `true` exits at once: the pipe is closed long before a key exists.
    const rotated = await pipeline(key.id, "true");
    expect(rotated.stderr).toContain("standard output failed (EPIPE)");
    expect(rotated.code).toBe(1);
    const generated = await bash(
      `${process.execPath} ${BIN} --credentials admin.env generate --role Viewer --format raw | true`,
      {
        cwd: dir,
      },
    );
    expect(generated.stderr).toMatch(
      /could not be handed over to standard output \(.*EPIPE.*\); new key \d+ was deleted/,
    );
    expect(orphans(key.id)).toEqual([]);
    expect(await works(key)).toBe(true);
  });

  test("stderr that cannot be written (/dev/full): the rotation stops and undoes itself", async () => {
    const { key, text } = heldKey();
    const result = await bash(
      `${process.execPath} ${BIN} --credentials admin.env rotate ${key.id} --out app.env --force 2>/dev/full`,
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(text);
    expect(orphans(key.id)).toEqual([]);
  });
});

describe("--out: every byte on disk, or nothing changed", () => {
  test("a short write (a file-size limit): the new key is deleted, the replaced file is as it was", async () => {
    const { key, text } = heldKey();
    // prlimit sets RLIMIT_FSIZE in bytes: the env file (about 320 bytes) is cut at 200.
    const result = await runProgram(
      "prlimit",
      [
        "--fsize=200:200",
        process.execPath,
        BIN,
        "--credentials",
        "admin.env",
        "rotate",
        String(key.id),
        "--out",
        "app.env",
        "--force",
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("EFBIG");
    expect(result.stderr).toContain(`Nothing changed: you hold key ${key.id}.`);
    expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(text);
    expect(readdirSync(dir).filter((name) => name.includes("xsiam-keys"))).toEqual([]);
    expect(orphans(key.id)).toEqual([]);
    const fresh = await runProgram(
      "prlimit",
      [
        "--fsize=200:200",
        process.execPath,
        BIN,
        "--credentials",
        "admin.env",
        "generate",
        "--role",
        "Viewer",
        "--out",
        "new.env",
      ],
      { cwd: dir },
    );
    expect(fresh.code).toBe(1);
    expect(existsSync(join(dir, "new.env"))).toBe(false);
    expect(orphans(key.id)).toEqual([]);
  });

  test("a full disk (ENOSPC, a small tmpfs): the new key is deleted, the file as it was", async (context) => {
    const mount = join(dir, "small");
    mkdirSync(mount);
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=8k", "tmpfs", mount]);
    if (mounted.status !== 0) {
      context.skip(
        `cannot mount a tmpfs here (${mounted.stderr.toString().trim() || "not root"}): ENOSPC is not tried`,
      );
    }
    try {
      const { key, text } = heldKey("small/app.env");
      // Fill what is left: the one page the env file does not use.
      spawnSync("sh", ["-c", "dd if=/dev/zero of=small/filler bs=4096 count=4 2>/dev/null"], { cwd: dir });
      const { code, stderr } = await run("rotate", String(key.id), "--out", "small/app.env", "--force");
      expect(code).toBe(1);
      expect(stderr).toContain("ENOSPC");
      expect(readFileSync(join(mount, "app.env"), "utf8")).toBe(text);
      expect(orphans(key.id)).toEqual([]);
      expect(await works(key)).toBe(true);
    } finally {
      spawnSync("umount", [mount]);
    }
  });

  test.each([
    [
      "a FIFO",
      (path: string) => execFileSync("mkfifo", [path]),
      "is a named pipe (FIFO); a key is only written to a regular file",
    ],
    [
      "a symbolic link",
      (path: string) => {
        writeFileSync(join(dir, "target.env"), "old\n");
        symlinkSync("target.env", path);
      },
      "is a symbolic link; not writing a key through it",
    ],
    ["a directory", (path: string) => mkdirSync(path), "is a directory"],
  ])("%s at --out is refused before a key is created, even with --force", async (_, make, message) => {
    make(join(dir, "out.env"));
    for (const command of [
      ["generate", "--role", "Viewer"],
      ["rotate", "424242"],
    ]) {
      const { code, stderr } = await run(...command, "--out", "out.env", "--force");
      expect(code).toBe(1);
      expect(stderr).toContain(message);
    }
    expect(tenant.faults.calls()).toEqual({ generate: 0, list: 0, delete: 0 });
  });

  test("--force rewrites the file in place: every hard link to it, and its ACL, see the new key", async () => {
    const { key } = heldKey();
    const file = join(dir, "app.env");
    const link = join(dir, "svc-link.env");
    execFileSync("ln", [file, link]);
    const acl = spawnSync("setfacl", ["-m", "u:65534:r", file]);
    const { code } = await run("rotate", String(key.id), "--out", "app.env", "--force");
    expect(code).toBe(0);
    const inFile = readFileSync(file, "utf8");
    expect(readFileSync(link, "utf8")).toBe(inFile);
    expect(statSync(file).nlink).toBe(2);
    expect(Number(parsedEnv(inFile).XSIAM_API_KEY_ID)).not.toBe(key.id);
    if (acl.status === 0) {
      expect(execFileSync("getfacl", ["--omit-header", file], { encoding: "utf8" })).toContain(
        "user:nobody:r--",
      );
    }
  });

  test("--out that is the --credentials file is refused before a key is created", async () => {
    const { key } = heldKey();
    const { code, stderr } = await run("rotate", String(key.id), "--out", "admin.env", "--force");
    expect(code).toBe(1);
    expect(stderr).toContain("is the --credentials file this run signs with");
    expect(tenant.faults.calls().generate).toBe(0);
  });

  test("standard output that is /dev/null is refused before a key is created", async () => {
    const result = await bash(
      `${process.execPath} ${BIN} --credentials admin.env generate --role Viewer --format raw > /dev/null`,
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("standard output is /dev/null");
    expect(tenant.faults.calls().generate).toBe(0);
  });

  test("a folder that does not exist is refused before a key is created", async () => {
    const { code, stderr } = await run("generate", "--role", "Viewer", "--out", "no/such/dir/k.env");
    expect(code).toBe(1);
    expect(stderr).toContain("its folder no/such/dir does not exist");
    expect(tenant.faults.calls().generate).toBe(0);
  });

  const asRoot = process.getuid?.() === 0;
  test.skipIf(!asRoot)("as root, --force keeps the owner, group and mode of a service's file", async () => {
    const { key } = heldKey();
    const file = join(dir, "app.env");
    chownSync(file, 65534, 65534);
    chmodSync(file, 0o640);
    const { code } = await run("rotate", String(key.id), "--out", "app.env", "--force");
    expect(code).toBe(0);
    const stats = statSync(file);
    expect([stats.uid, stats.gid, stats.mode & 0o777]).toEqual([65534, 65534, 0o640]);
    expect(Number(parsedEnv(readFileSync(file, "utf8")).XSIAM_API_KEY_ID)).not.toBe(key.id);
  });

  test.skipIf(!asRoot)(
    "as another user, a file it cannot give back to its owner is refused before anything is created",
    async () => {
      const { key, text } = heldKey();
      chmodSync(dir, 0o777);
      const result = await runProgram(
        process.execPath,
        [BIN, "rotate", String(key.id), "--out", "app.env", "--force"],
        { cwd: dir, uid: 65534, gid: 65534, env: parsedEnv(envLines(tenant, tenant.rootKey)) },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        "cannot write app.env as this user (it belongs to user 0, group 0, mode 640)",
      );
      expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(text);
      expect(tenant.faults.calls().generate).toBe(0);
    },
  );

  test("a rotation that dies leaves a copy of the replaced file's old content, mode 600", async () => {
    const { key, text } = heldKey();
    // The check hangs: the process is killed (SIGKILL, nothing handles it) after the hand-over.
    tenant.faults.inject("list", { kind: "delay-after", ms: 5_000 }, { calls: [2] });
    const running = startXsiamKeys(
      ["--credentials", "admin.env", "rotate", String(key.id), "--out", "app.env", "--force"],
      { cwd: dir },
    );
    await running.waitFor("4/5 Checking");
    running.child.kill("SIGKILL");
    const { stderr } = await running.done;
    const found =
      /the new key will have marker (\[xsiam-sdk:[A-Za-z0-9]{16}\]): if this run dies before it finishes, find that key with (xsiam-keys list --marker [A-Za-z0-9]{16} --credentials admin\.env) and delete it/.exec(
        stderr,
      );
    const left = tenant.keys().find((stored) => stored.id !== tenant.rootKey.id && stored.id !== key.id);
    expect(left?.comment).toContain(found?.[1]);
    // The command the line gives finds that key, and only it.
    const listed = await startXsiamKeys([...(found?.[2] ?? "?").split(" ").slice(1), "--json"], { cwd: dir })
      .done;
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: left?.id, marker: found?.[1] }]);
    const kept = readdirSync(dir).filter((name) => name.endsWith(".xsiam-keys-old"));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0] as string), "utf8")).toBe(text);
    expect(lstatSync(join(dir, kept[0] as string)).mode & 0o777).toBe(0o600);
    // The file itself was rewritten in place, and still has its own mode.
    expect(statSync(join(dir, "app.env")).mode & 0o777).toBe(0o640);
  });
});

describe("signals: Ctrl-C (SIGINT) and SIGTERM at each step", () => {
  /** Starts a rotation into app.env whose `step` hangs for a while, and signals it during that step. */
  async function interrupted(signal: "SIGINT" | "SIGTERM", shown: string) {
    const { key, text } = heldKey();
    const running = startXsiamKeys(
      ["--credentials", "admin.env", "rotate", String(key.id), "--out", "app.env", "--force"],
      { cwd: dir },
    );
    await running.waitFor(shown);
    running.child.kill(signal);
    return { key, text, ...(await running.done) };
  }
  const code = { SIGINT: 130, SIGTERM: 143 } as const;

  describe.each(["SIGINT", "SIGTERM"] as const)("%s", (signal) => {
    test("while the old key is read: nothing is created", async () => {
      tenant.faults.inject("list", { kind: "delay-after", ms: 2_000 }, { calls: [1] });
      const result = await interrupted(signal, "1/5 Reading");
      expect(result.code).toBe(code[signal]);
      expect(result.stderr).toContain("was stopped at reading the key");
      expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(result.text);
      expect(orphans(result.key.id)).toEqual([]);
    });

    test("while generate is in flight: it is waited for, then its key deleted", async () => {
      tenant.faults.inject("generate", { kind: "delay-after", ms: 500 });
      const result = await interrupted(signal, "the new key will have marker");
      expect(result.code).toBe(code[signal]);
      expect(result.stderr).toMatch(/was stopped at generate .*: new key \d+ was deleted/);
      expect(result.stderr).toContain(`Nothing changed: you hold key ${result.key.id}.`);
      expect(orphans(result.key.id)).toEqual([]);
      expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(result.text);
    });

    test("while a --to-command consumer runs: it finishes, and both keys are kept, named", async () => {
      const { key } = heldKey();
      const running = startXsiamKeys(
        ["--credentials", "admin.env", "rotate", String(key.id), "--to-command", "sleep 1; cat > stored.txt"],
        { cwd: dir },
      );
      await running.waitFor("3/5 Handing it over");
      running.child.kill(signal);
      const result = await running.done;
      expect(result.code).toBe(code[signal]);
      const stored = readFileSync(join(dir, "stored.txt"), "utf8").trim();
      const newId = orphans(key.id)[0] as number;
      expect(result.stderr).toContain(
        `key ${newId} was handed over, which cannot be taken back, so both keys were kept`,
      );
      expect(ids()).toEqual([tenant.rootKey.id, key.id, newId]);
      expect(await works({ id: newId, key: stored })).toBe(true);
    });

    test("while the new key is checked: the file is put back and the new key deleted", async () => {
      tenant.faults.inject("list", { kind: "delay-after", ms: 2_000 }, { calls: [2] });
      const result = await interrupted(signal, "4/5 Checking");
      expect(result.code).toBe(code[signal]);
      expect(result.stderr).toContain("was stopped at the check of the new key");
      expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(result.text);
      expect(orphans(result.key.id)).toEqual([]);
      expect(readdirSync(dir).filter((name) => name.includes("xsiam-keys"))).toEqual([]);
    });

    test("while the old key is deleted: the delete is finished, and the rotation with it", async () => {
      tenant.faults.inject("delete", { kind: "delay-after", ms: 500 });
      const result = await interrupted(signal, "5/5 Deleting");
      expect(result.code).toBe(code[signal]);
      const newId = Number(parsedEnv(readFileSync(join(dir, "app.env"), "utf8")).XSIAM_API_KEY_ID);
      expect(result.stderr).toContain(`Key ${result.key.id} was deleted.`);
      expect(ids()).toEqual([tenant.rootKey.id, newId]);
    });
  });

  test("SIGHUP (a closed terminal) while the new key is checked: undone, exit 129", async () => {
    tenant.faults.inject("list", { kind: "delay-after", ms: 2_000 }, { calls: [2] });
    const { key, text } = heldKey();
    const running = startXsiamKeys(
      ["--credentials", "admin.env", "rotate", String(key.id), "--out", "app.env", "--force"],
      { cwd: dir },
    );
    await running.waitFor("4/5 Checking");
    running.child.kill("SIGHUP");
    const result = await running.done;
    expect(result.code).toBe(129);
    expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(text);
    expect(orphans(key.id)).toEqual([]);
  });

  test("a second Ctrl-C while undoing names what is true then: the file is back, the new key to delete", async () => {
    const { key, text } = heldKey();
    tenant.faults.inject("list", { kind: "delay-after", ms: 2_000 }, { calls: [2] });
    tenant.faults.inject("delete", { kind: "delay-after", ms: 3_000 });
    const running = startXsiamKeys(
      ["--credentials", "admin.env", "rotate", String(key.id), "--out", "app.env", "--force"],
      { cwd: dir },
    );
    await running.waitFor("4/5 Checking");
    running.child.kill("SIGINT");
    await running.waitFor("Undoing: deleting the new key");
    running.child.kill("SIGINT");
    const result = await running.done;
    expect(result.code).toBe(130);
    expect(readFileSync(join(dir, "app.env"), "utf8")).toBe(text);
    const newId = Number(/Undoing: deleting the new key (\d+)/.exec(result.stderr)?.[1]);
    expect(result.stderr).toContain(
      `Left to clean up: app.env (mode 640, kept, env) holds key ${key.id} again, and new key ${newId} was being deleted: delete it with xsiam-keys delete ${newId} --yes --credentials admin.env`,
    );
    expect(result.stderr).not.toContain(`delete key ${key.id}`);
  });

  test("a second Ctrl-C stops at once, and names the marker of a key that may be left", async () => {
    const { key } = heldKey();
    tenant.faults.inject("generate", { kind: "delay-after", ms: 3_000 });
    const running = startXsiamKeys(
      ["--credentials", "admin.env", "rotate", String(key.id), "--out", "app.env", "--force"],
      { cwd: dir },
    );
    await running.waitFor("the new key will have marker");
    running.child.kill("SIGINT");
    await running.waitFor("stopping once the current step is finished or undone");
    running.child.kill("SIGINT");
    const result = await running.done;
    expect(result.code).toBe(130);
    const marker = /stopped at once\. Left to clean up: .*(\[xsiam-sdk:[A-Za-z0-9]{16}\])/.exec(
      result.stderr,
    )?.[1];
    expect(marker).toBeDefined();
    // The tenant minted the key when the request arrived: it is the one the message names.
    const left = orphans(key.id).map((id) => tenant.keys().find((stored) => stored.id === id));
    expect(left).toHaveLength(1);
    expect(left[0]?.comment).toContain(marker);
  });

  test("generate: Ctrl-C while generate is in flight deletes the key it made", async () => {
    tenant.faults.inject("generate", { kind: "delay-after", ms: 500 });
    const running = startXsiamKeys(
      ["--credentials", "admin.env", "generate", "--role", "Viewer", "--out", "new.env"],
      {
        cwd: dir,
      },
    );
    await running.waitFor("the new key will have marker");
    running.child.kill("SIGINT");
    const result = await running.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/new key \d+ was deleted, so nothing changed/);
    expect(existsSync(join(dir, "new.env"))).toBe(false);
    expect(orphans()).toEqual([]);
  });

  /**
   * `generate --out new.env` stopped by Ctrl-C while it waits for the key of a try that a gateway
   * gave up on (a 504 at 100 ms), which the service mints at `mintMs`; each try waits `settleMs`.
   */
  const interruptedGenerate = async (mintMs: number, settleMs: number) => {
    tenant.faults.inject("generate", { kind: "act-later", afterMs: mintMs, answerMs: 100, status: 504 });
    appendFileSync(join(dir, "admin.env"), `XSIAM_SETTLE_MS=${settleMs}\n`);
    const running = startXsiamKeys(
      ["--credentials", "admin.env", "generate", "--role", "Viewer", "--out", "new.env"],
      { cwd: dir },
    );
    await running.waitFor("Waiting for the key");
    running.child.kill("SIGINT");
    return running.done;
  };

  test("generate: Ctrl-C, then the window closes before the key appears: the error names the marker to find it", async () => {
    // The service mints the key at 4 s, after the 1.5 s window.
    const result = await interruptedGenerate(4_000, 1_500);
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("so no other try was sent");
    const token =
      /marker \[xsiam-sdk:([A-Za-z0-9]{16})\] \(xsiam-keys list --marker \1 --credentials admin\.env finds it\)/.exec(
        result.stderr,
      )?.[1];
    expect(token).toBeDefined();
    await tenant.idle();
    expect(tenant.faults.calls().generate).toBe(1);
    // The late key is there, nobody holds it, and the message named it.
    const left = orphans().map((id) => tenant.keys().find((stored) => stored.id === id));
    expect(left.map((key) => key?.comment)).toEqual([`[xsiam-sdk:${token}]`]);
  });

  test("generate: Ctrl-C while a timed-out try is waited for: its key is deleted, and no other try is sent", async () => {
    // The service mints the key at 1.5 s, within the 10 s window.
    const result = await interruptedGenerate(1_500, 10_000);
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("no other try was sent");
    await tenant.idle();
    expect(tenant.faults.calls().generate).toBe(1);
    expect(orphans()).toEqual([]);
    expect(existsSync(join(dir, "new.env"))).toBe(false);
  });
});
