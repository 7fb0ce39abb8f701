// How xsiam-mcp starts and stops: refusals before anything is served, signals during a write, and
// the tenant's limit shared through Redis with xsiam-keys.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { getFreePort, type RedisServer, startRedis } from "@xsiam-sdk/test-support";
import { createFakeTenant, type FakeTenant } from "@xsiam-sdk/testing";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { credentialsOf, keyFolder, runBin, startServer, textOf } from "./helpers.js";

describe("start-up", () => {
  let tenant: FakeTenant;
  beforeAll(async () => {
    tenant = await createFakeTenant();
  });
  afterAll(async () => {
    await tenant?.close();
  });

  test("--help has the modes, the credentials, examples and a client configuration; --version the version", async () => {
    const help = await runBin(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Read-only by default");
    expect(help.stdout).toContain("--allow-write --key-dir");
    expect(help.stdout).toContain("Examples:");
    expect(help.stdout).toContain('"mcpServers"');
    const version = await runBin(["--version"]);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  test.each([
    [["--allow-write"], /--allow-write needs --key-dir DIR/],
    [["--key-dir", "/tmp"], /--key-dir is for write mode: add --allow-write/],
    [["--allow-write", "--key-dir", "/nonexistent/keys"], /--key-dir: the folder cannot be used \(ENOENT\)/],
    [["--credentails", "x.env"], /unknown option --credentails/],
    [["list"], /takes no arguments/],
  ])("%j is refused, before anything is sent", async (args, message) => {
    const before = tenant.faults.calls();
    const run = await runBin(args, credentialsOf(tenant));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
    expect(tenant.faults.calls()).toEqual(before);
  });

  test("a key given as a flag is refused and never echoed", async () => {
    const run = await runBin([`--api-key=${tenant.rootKey.key}`], credentialsOf(tenant));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("a key is never taken from a flag");
    expect(run.stderr).not.toContain(tenant.rootKey.key);
  });

  test("a key folder others can write to is refused", async () => {
    const dir = keyFolder();
    chmodSync(dir, 0o777);
    const run = await runBin(["--allow-write", "--key-dir", dir], credentialsOf(tenant));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("can be written by every user (mode 777)");
  });

  test("~/ in --key-dir and --credentials is the home folder, as where no shell expands it (a client's JSON args)", async () => {
    const home = keyFolder();
    mkdirSync(join(home, "keys"), { mode: 0o700 });
    writeFileSync(
      join(home, "admin.env"),
      Object.entries(credentialsOf(tenant))
        .map(([name, value]) => `${name}=${value}\n`)
        .join(""),
      { mode: 0o600 },
    );
    const session = await startServer(
      ["--credentials", "~/admin.env", "--allow-write", "--key-dir", "~/keys"],
      {
        HOME: home,
      },
    );
    try {
      expect(session.log()).toContain(`write mode: new keys go to ${join(home, "keys")}`);
    } finally {
      await session.close();
    }
  });

  test("a library user's key folder is checked too: absolute, and others may not write to it", async () => {
    const { createXsiamMcpServer, KeyDirError } = await import("../src/index.js");
    const { createXsiamClientFromEnv } = await import("@xsiam-sdk/client");
    const client = createXsiamClientFromEnv(credentialsOf(tenant));
    expect(() => createXsiamMcpServer({ client, ownKeyId: 1, keyDir: "keys" })).toThrow(KeyDirError);
    const open = keyFolder();
    chmodSync(open, 0o770);
    expect(() => createXsiamMcpServer({ client, ownKeyId: 1, keyDir: open })).toThrow(
      /can be written by its group/,
    );
  });

  test("missing credentials are all named at once", async () => {
    const run = await runBin([], { XSIAM_API_KEY: "x" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("missing credentials: XSIAM_FQDN (or XSIAM_BASE_URL), XSIAM_API_KEY_ID");
  });

  test("an XSIAM_REDIS_URL that is not a Redis URL is refused without showing it (it may hold a password)", async () => {
    const run = await runBin([], {
      ...credentialsOf(tenant),
      XSIAM_REDIS_URL: "https://user:hunter2hunter2@cache",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("XSIAM_REDIS_URL must be a redis:// or rediss:// URL");
    expect(run.stderr).not.toContain("hunter2");
  });
});

describe("a signal during a rotation", () => {
  test("SIGTERM: the rotation is undone (no new key, no file), the result says so, and the server exits 143", async () => {
    const tenant = await createFakeTenant({ rateLimit: false });
    const dir = keyFolder();
    const session = await startServer(["--allow-write", "--key-dir", dir], credentialsOf(tenant));
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + 86_400_000 });
    const before = tenant.keys().map((key) => key.id);
    // The generate is answered only after 1.5 s: the signal comes while it is on its way.
    tenant.faults.inject("generate", { kind: "delay-after", ms: 1_500 });
    const call = session.call("rotate_api_key", { id: old.id }).catch((error: unknown) => error);
    while (tenant.faults.calls().generate === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    session.transport.child.kill("SIGTERM");
    const result = await call;
    const code = await session.transport.exited;
    try {
      expect(code).toBe(143);
      if (result && typeof result === "object" && "content" in result) {
        expect(textOf(result as Parameters<typeof textOf>[0])).toMatch(/"type": "XsiamRotateError"/);
      }
      expect(tenant.keys().map((key) => key.id)).toEqual(before);
      expect(readdirSync(dir)).toEqual([]);
      expect(session.log()).toContain("SIGTERM: stopping once the calls in progress are finished or undone");
    } finally {
      await tenant.close();
    }
  });
});

describe("the tenant's limit, shared through Redis (XSIAM_REDIS_URL)", () => {
  let redis: RedisServer;
  let tenant: FakeTenant;
  beforeAll(async () => {
    [redis, tenant] = await Promise.all([startRedis(), createFakeTenant()]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), tenant?.close()]);
  });

  test("xsiam-mcp and xsiam-keys take their slots from the same key, derived from the tenant's host", async () => {
    const key = `xsiam:rate:${new URL(tenant.baseUrl).host}`;
    const env = { ...credentialsOf(tenant), XSIAM_REDIS_URL: redis.url };
    const reader = createClient({ url: redis.url });
    await reader.connect();
    try {
      const session = await startServer([], env);
      expect((await session.call("list_api_keys")).isError).toBeFalsy();
      await session.close();
      const afterServer = await reader.get(key);
      expect(afterServer).not.toBeNull();

      const cli = join(
        dirname(createRequire(import.meta.url).resolve("@xsiam-sdk/cli/package.json")),
        "bin/xsiam-keys.js",
      );
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [cli, "list", "--json"], {
          env: { PATH: process.env.PATH ?? "", ...env },
          stdio: "ignore",
        });
        child.on("close", resolve);
      });
      expect(code).toBe(0);
      // The CLI's request moved the same budget on.
      expect(await reader.get(key)).not.toBe(afterServer);
    } finally {
      await reader.close();
    }
  });

  test("with Redis down, the server warns (naming the host, never the URL) and goes on alone", async () => {
    const port = await getFreePort();
    const session = await startServer([], {
      ...credentialsOf(tenant),
      XSIAM_REDIS_URL: `redis://:s3cretpass@127.0.0.1:${port}`,
    });
    try {
      expect((await session.call("list_api_keys")).isError).toBeFalsy();
      expect(session.log()).toContain(`127.0.0.1:${port}`);
      expect(session.everything().toString()).not.toContain("s3cretpass");
    } finally {
      await session.close();
    }
  });
});
