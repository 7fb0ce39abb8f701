import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { getFreePort } from "@xsiam-sdk/test-support";
import { build } from "esbuild";
import { describe, expect, test } from "vitest";
import { KEY } from "../fixtures/vector.mjs";

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const bin = (path: string) => here(`../node_modules/${path}`);
const fixture = here("../fixtures/run.mjs");

interface FixtureResult {
  signed: Record<string, string>;
  liveTimestamp: string;
  nonce: string;
  optionError: string;
}

function expectWorking(result: FixtureResult): void {
  const { signed } = result;
  const nonce = signed["x-xdr-nonce"] ?? "";
  expect(nonce).toMatch(/^[A-Za-z0-9]{64}$/);
  expect(signed["x-xdr-timestamp"]).toBe("1700000000000");
  expect(signed["x-xdr-auth-id"]).toBe("2841");
  expect(signed.authorization).toBe(
    createHash("sha256").update(`${KEY}${nonce}1700000000000`, "utf8").digest("hex"),
  );
  expect(result.nonce).toMatch(/^[A-Za-z0-9]{64}$/);
  expect(result.nonce).not.toBe(nonce);
  expect(result.liveTimestamp).toMatch(/^\d{13}$/);
  expect(Math.abs(Number(result.liveTimestamp) - Date.now())).toBeLessThan(60_000);
  expect(result.optionError).toBe("apiKey");
}

const runtimes: Array<[name: string, command: string, args: string[]]> = [
  ["Node 20 (this one)", process.execPath, [fixture]],
  ["Node 22", bin("node-22/bin/node"), [fixture]],
  ["Node 24", bin("node-24/bin/node"), [fixture]],
  ["Bun", bin("bun/bin/bun.exe"), [fixture]],
  ["Deno", bin(".bin/deno"), ["run", "--allow-read", "--allow-env", fixture]],
];

describe.concurrent("the built @xsiam-sdk/auth signs the test vector", () => {
  test.each(runtimes)("on %s", async (_name, command, args) => {
    const { stdout } = await run(command, args, { timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } });
    expectWorking(JSON.parse(stdout));
  });

  test("in a workerd edge worker, without Node APIs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "workerd-"));
    await build({
      entryPoints: [here("../fixtures/worker.mjs")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      outfile: join(dir, "worker.js"),
      logLevel: "silent",
    });
    const port = await getFreePort();
    writeFileSync(
      join(dir, "config.capnp"),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "worker.js")],
  compatibilityDate = "2025-01-01",
);
`,
    );
    // The binary itself, not node_modules/.bin/workerd: pnpm's shim for a native binary runs it as a
    // child, so killing the shim would leave workerd running.
    const workerd = spawn(bin("workerd/bin/workerd"), ["serve", join(dir, "config.capnp")], {
      stdio: "ignore",
    });
    try {
      let response: Response | undefined;
      for (let attempt = 0; attempt < 100 && !response; attempt++) {
        response = await fetch(`http://127.0.0.1:${port}/`).catch(async () => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          return undefined;
        });
      }
      expect(response?.status).toBe(200);
      expectWorking((await response?.json()) as FixtureResult);
    } finally {
      workerd.kill("SIGKILL");
      await once(workerd, "exit");
    }
  });
});

describe("package resolution picks the crypto module by condition", () => {
  async function bundle(platform: "node" | "browser" | "neutral", conditions: string[]): Promise<string> {
    const result = await build({
      stdin: { contents: 'export * from "@xsiam-sdk/auth";', resolveDir: here("."), loader: "js" },
      bundle: true,
      write: false,
      format: "esm",
      platform,
      conditions,
      external: ["node:*"],
      logLevel: "silent",
    });
    return result.outputFiles[0]?.text ?? "";
  }

  test.each([
    ["Node", "node", []],
    ["Bun", "node", ["bun"]],
    ["Deno", "neutral", ["deno", "node"]],
  ] as const)("%s gets node:crypto", async (_name, platform, conditions) => {
    const code = await bundle(platform, [...conditions]);
    expect(code).toMatch(/from "node:crypto"/);
    expect(code).not.toContain("crypto.subtle");
  });

  test.each([
    ["a browser", "browser", []],
    ["Cloudflare workerd", "neutral", ["workerd", "worker"]],
    ["Vercel edge", "neutral", ["edge-light"]],
  ] as const)("%s gets WebCrypto", async (_name, platform, conditions) => {
    const code = await bundle(platform, [...conditions]);
    expect(code).toContain("crypto.subtle.digest");
    expect(code).not.toContain("node:crypto");
  });
});
