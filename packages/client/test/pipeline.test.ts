// The turbo graph caches correctly: in a throwaway copy of the repository, with its own cache
// (seeded from the repository's, which the build before this test filled, so that the copy does
// not rebuild everything from nothing), a repeated build is all cache hits and restores outputs,
// a spec edit re-runs lint, generate and build exactly once, and reverting the edit restores the
// earlier generated types from the cache.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyWorkspace, repositoryRoot as repo, seedTurboCache } from "@xsiam-sdk/test-support";
import { beforeAll, expect, test } from "vitest";

let work: string;
let cacheDir: string;

function build(): { status: Record<string, string>; output: string } {
  const run = spawnSync(
    join(repo, "node_modules/.bin/turbo"),
    ["run", "build", `--cache-dir=${cacheDir}`, "--output-logs=hash-only", "--no-daemon"],
    {
      cwd: work,
      encoding: "utf8",
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1", NO_COLOR: "1" },
      timeout: 120_000,
    },
  );
  const output = run.stdout + run.stderr;
  if (run.status !== 0) throw new Error(`turbo run build failed:\n${output}`);
  const status: Record<string, string> = {};
  for (const [, task, state] of output.matchAll(/(\S+:[\w:]+): cache (hit|miss)/g)) {
    if (task && state) status[task] = state;
  }
  return { status, output };
}

// The tasks the spec feeds; every other build task must not care about a spec edit. The CLI's,
// the Redis limiter's and the MCP server's declarations are built against the client's types, so
// they are rebuilt after the client; the fake tenant (testing) and auth are not.
const specTasks = [
  "@xsiam-sdk/spec:lint:spec",
  "@xsiam-sdk/client:generate",
  "@xsiam-sdk/client:build",
  "@xsiam-sdk/cli:build",
  "@xsiam-sdk/docs:build",
  "@xsiam-sdk/mcp:build",
  "@xsiam-sdk/rate-limit-redis:build",
];
const states = (status: Record<string, string>) => new Set(Object.values(status));
const specPath = () => join(work, "spec/openapi.yaml");
const generatedPath = () => join(work, "packages/client/src/generated/openapi.ts");

beforeAll(() => {
  work = copyWorkspace("xsiam-pipeline-");
  cacheDir = join(work, ".turbo-cache");
  seedTurboCache(cacheDir);
}, 60_000);

test("cached rebuild, spec edit, revert", () => {
  // What is not in the seeded cache is built now (a cold cache builds everything here).
  const first = build().status;
  expect(Object.keys(first)).toEqual(expect.arrayContaining(specTasks));

  rmSync(join(work, "packages/client/dist"), { recursive: true });
  expect(build().status).toEqual(Object.fromEntries(Object.keys(first).map((task) => [task, "hit"])));
  expect(existsSync(join(work, "packages/client/dist/index.d.ts"))).toBe(true);

  const original = readFileSync(specPath(), "utf8");
  const originalTypes = readFileSync(generatedPath(), "utf8");
  writeFileSync(
    specPath(),
    original.replace("A free-text note stored with the key", "A note the pipeline test wrote"),
  );
  const edited = build().status;
  expect(
    Object.keys(edited)
      .filter((task) => edited[task] === "miss")
      .sort(),
  ).toEqual([...specTasks].sort());
  expect(readFileSync(generatedPath(), "utf8")).toContain("A note the pipeline test wrote");
  expect(readFileSync(join(work, "packages/client/dist/generated/openapi.d.ts"), "utf8")).toContain(
    "A note the pipeline test wrote",
  );

  expect(states(build().status)).toEqual(new Set(["hit"]));

  writeFileSync(specPath(), original);
  expect(states(build().status)).toEqual(new Set(["hit"]));
  expect(readFileSync(generatedPath(), "utf8")).toBe(originalTypes);
}, 180_000);
