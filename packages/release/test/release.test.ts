// The release flow, for real: changesets versions the packages together, `pnpm release` gates on
// build, lint and typecheck and publishes them to a Verdaccio registry on 127.0.0.1, then a project
// outside the workspace installs @xsiam-sdk/client with plain npm and uses it from ESM, CommonJS
// and TypeScript (node16 and bundler resolution), and starts the bins: xsiam-keys, the fake tenant,
// and the MCP server with `npx xsiam-mcp`.
//
// Versioning and publishing run on two copies of the repository. The publish copy starts from the
// repository's turbo cache, which `pnpm test` filled with every build, lint and typecheck before
// any test ran: its gate restores them instead of running them all again, which a bumped copy
// could not do (a package's version is part of every task's hash). Without that cache the gate
// runs in full, and the test only takes longer.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  copyWorkspace,
  getFreePort,
  type PrismMock,
  seedTurboCache,
  startPrism,
} from "@xsiam-sdk/test-support";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stringify } from "yaml";

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const verdaccioBin = here("../node_modules/.bin/verdaccio");
const tsc = here("../node_modules/typescript/bin/tsc");
// Everything this test starts is stopped in afterAll; these bound it if afterAll never runs.
const REGISTRY_LIFETIME_MS = 10 * 60_000;

let registry: { url: string; process: ChildProcess };
let npmrc: string;
let prism: PrismMock;
let workspace: string;
let consumer: string;
let version: string;
const timings: Record<string, number> = {};
let restored = "not run";

async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[step] = Math.round(performance.now() - started);
  }
}

async function startVerdaccio(): Promise<{ url: string; process: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), "verdaccio-"));
  const port = await getFreePort();
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    stringify({
      storage: join(dir, "storage"),
      auth: { htpasswd: { file: join(dir, "htpasswd"), max_users: 10 } },
      uplinks: {},
      packages: { "**": { access: "$all", publish: "$authenticated" } },
      log: { type: "stdout", format: "pretty", level: "warn" },
    }),
  );
  const child = spawn(verdaccioBin, ["--config", config, "--listen", `127.0.0.1:${port}`], {
    stdio: "ignore",
  });
  setTimeout(() => child.kill("SIGKILL"), REGISTRY_LIFETIME_MS).unref();
  const url = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; attempt < 150; attempt++) {
    const ready = await fetch(`${url}-/ping`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, process: child };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGKILL");
  throw new Error("Verdaccio did not start");
}

beforeAll(async () => {
  [registry, prism] = await Promise.all([startVerdaccio(), startPrism()]);
  const response = await fetch(`${registry.url}-/user/org.couchdb.user:release-test`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "release-test", password: "release-test-password" }),
  });
  const { token } = (await response.json()) as { token: string };
  npmrc = join(mkdtempSync(join(tmpdir(), "release-npmrc-")), ".npmrc");
  writeFileSync(npmrc, `${registry.url.replace(/^http:/, "")}:_authToken=${token}\n`);
}, 60_000);

afterAll(async () => {
  registry?.process.kill("SIGTERM");
  await prism?.stop();
  console.log(
    `release round trip, ms per step: ${JSON.stringify(timings)}; gate tasks from the cache: ${restored}`,
  );
});

describe.sequential("release round trip", () => {
  test("pnpm version-packages applies a changeset to both packages together", async () => {
    const versioned = copyWorkspace("xsiam-version-");
    writeFileSync(
      join(versioned, ".changeset/release-round-trip.md"),
      '---\n"@xsiam-sdk/client": patch\n---\n\nRound trip.\n',
    );
    const read = (name: string) =>
      JSON.parse(readFileSync(join(versioned, `packages/${name}/package.json`), "utf8"));
    const before = read("client").version as string;
    await timed("version", () => run("pnpm", ["version-packages"], { cwd: versioned }));
    const bumped = read("client").version as string;
    expect(bumped).not.toBe(before);
    expect(read("auth").version).toBe(bumped);
    expect(readFileSync(join(versioned, "packages/client/CHANGELOG.md"), "utf8")).toContain("Round trip.");
    // The spec as released becomes the baseline that check:spec-compat compares later edits with.
    expect(JSON.parse(readFileSync(join(versioned, "spec/baseline/release.json"), "utf8"))).toEqual({
      "@xsiam-sdk/client": bumped,
    });
    expect(readFileSync(join(versioned, "spec/baseline/openapi.yaml"), "utf8")).toBe(
      readFileSync(join(versioned, "spec/openapi.yaml"), "utf8"),
    );
    expect(
      readdirSync(join(versioned, ".changeset")).filter(
        (file) => file.endsWith(".md") && file !== "README.md",
      ),
    ).toEqual([]);
  }, 120_000);

  test("pnpm release builds and publishes the packages to the registry", async () => {
    workspace = copyWorkspace("xsiam-release-");
    seedTurboCache(join(workspace, ".turbo/cache"));
    version = JSON.parse(readFileSync(join(workspace, "packages/client/package.json"), "utf8")).version;
    const env = { ...process.env, npm_config_registry: registry.url, npm_config_userconfig: npmrc };
    const { stdout, stderr } = await timed("release", () =>
      run("pnpm", ["release"], { cwd: workspace, env }),
    );
    expect(stdout + stderr).toContain("packages published successfully");
    const gate = /Cached:\s+(\d+) cached, (\d+) total/.exec(stdout);
    restored = gate ? `${gate[1]} of ${gate[2]}` : "unknown";
    for (const name of ["auth", "client", "testing", "cli", "rate-limit-redis", "mcp"]) {
      const packument = (await (await fetch(`${registry.url}@xsiam-sdk%2f${name}`)).json()) as {
        "dist-tags": Record<string, string>;
      };
      expect(packument["dist-tags"].latest).toBe(version);
    }
  }, 240_000);

  test("a project outside the workspace installs @xsiam-sdk/client (and testing) with plain npm", async () => {
    consumer = mkdtempSync(join(tmpdir(), "xsiam-consumer-"));
    writeFileSync(join(consumer, "package.json"), '{ "name": "consumer", "private": true }\n');
    // Only the @xsiam-sdk scope comes from the test registry; openapi-fetch comes from npm.
    const consumerNpmrc = join(consumer, ".npmrc");
    writeFileSync(consumerNpmrc, `@xsiam-sdk:registry=${registry.url}\nfund=false\naudit=false\n`);
    await timed("npm install", () =>
      run(
        "npm",
        [
          "install",
          `@xsiam-sdk/client@${version}`,
          `@xsiam-sdk/testing@${version}`,
          `@xsiam-sdk/cli@${version}`,
          `@xsiam-sdk/mcp@${version}`,
        ],
        {
          cwd: consumer,
          env: { ...process.env, npm_config_userconfig: consumerNpmrc },
        },
      ),
    );
    const installed = (name: string) =>
      JSON.parse(readFileSync(join(consumer, "node_modules/@xsiam-sdk", name, "package.json"), "utf8"));
    expect(installed("client").version).toBe(version);
    expect(installed("auth").version).toBe(version);
    expect(installed("client").dependencies["@xsiam-sdk/auth"]).toBe(`^${version}`);
    expect(installed("testing").version).toBe(version);
    mkdirSync(join(consumer, "src"));
    for (const file of readdirSync(here("../fixtures")))
      cpSync(join(here("../fixtures"), file), join(consumer, "src", file));
  }, 180_000);

  test("the published fake tenant serves the published client, and the bins run", async () => {
    const { stdout } = await run(process.execPath, [join(consumer, "src", "tenant.mjs")], { cwd: consumer });
    expect(JSON.parse(stdout)).toEqual({ listed: [1, 2], afterDelete: [1] });
    const help = await run("npx", ["--no-install", "xsiam-fake-tenant", "--help"], { cwd: consumer });
    expect(help.stdout).toContain("Usage: xsiam-fake-tenant [options]");
    const cli = await run("npx", ["--no-install", "xsiam-keys", "--version"], { cwd: consumer });
    expect(cli.stdout).toBe(`${version}\n`);
    // The MCP server, started as a client's configuration starts it (npx xsiam-mcp), over stdio.
    const { stdout: mcp } = await run(process.execPath, [join(consumer, "src", "mcp.mjs")], {
      cwd: consumer,
    });
    expect(JSON.parse(mcp)).toEqual({
      version,
      tools: ["audit_api_keys", "check_credentials", "list_api_keys"],
      listed: [1],
    });
  }, 60_000);

  test.each([
    ["an ESM script", "consumer.mjs"],
    ["a CommonJS script (require)", "consumer.cjs"],
  ])(
    "%s runs against the mock",
    async (_label, file) => {
      const { stdout } = await run(process.execPath, [join(consumer, "src", file), prism.url], {
        cwd: consumer,
      });
      expect(JSON.parse(stdout)).toMatchObject({
        module: file.endsWith(".cjs") ? "cjs" : "esm",
        id: 4267,
        printed: '{"id":4267,"key":"[redacted]"}',
        updateCount: 1,
        status: 401,
      });
    },
    60_000,
  );

  test.each(["node16", "bundler"])(
    "a TypeScript file type-checks with moduleResolution %s",
    async (resolution) => {
      await expect(
        timed(`tsc ${resolution}`, () =>
          run(process.execPath, [tsc, "-p", join(consumer, "src", `tsconfig.${resolution}.json`)]),
        ),
      ).resolves.toBeDefined();
    },
    60_000,
  );
});
