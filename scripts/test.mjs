#!/usr/bin/env node
// `pnpm test`: every package's tests, lint, type check, generated-types drift check and the spec
// compatibility gate, through turbo (all of them, even after a failure); then it adds up the vitest
// JSON reports and prints the totals as the last line: `N passed, N failed`. A failed check
// outside vitest counts as one failure.
//
// In two phases, so that a small machine is never idle on the way: first every build, lint, type
// check, drift check and compatibility gate in one turbo run (short tasks, scheduled by the graph
// on every core; they also fill the turbo cache that the release test's gate restores from), then
// the test suites, three at a time, the longest first. A single turbo run of everything scheduled
// ready tasks in graph order, which on 2 cores started the longest suites last and left the end of
// the run to one of them. Each suite still goes through turbo (its cache, its inputs); extra
// arguments (`--force`, `--summarize`) go to every turbo run.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const extra = process.argv.slice(2);
const turbo = join(root, "node_modules/.bin/turbo");
const LANES = 3;
// The suites by how long they take in a lane on a 2-core machine, longest first (measured in one
// `pnpm test --force`, seconds: cli 187, client 161, testing 99, release 92, rate-limit-redis 75,
// mcp 63, spec 48, auth 34, test-support 30, docs 27, demo 10, compat 8); each lane takes the next
// suite when it is free, which keeps the three lanes within a few seconds of each other.
const LONGEST_FIRST = [
  "@xsiam-sdk/cli",
  "@xsiam-sdk/client",
  "@xsiam-sdk/testing",
  "@xsiam-sdk/release",
  "@xsiam-sdk/rate-limit-redis",
  "@xsiam-sdk/mcp",
  "@xsiam-sdk/spec",
  "@xsiam-sdk/auth",
  "@xsiam-sdk/test-support",
  "@xsiam-sdk/docs",
  "@xsiam-sdk/demo",
  "@xsiam-sdk/compat",
];

const packageDirs = [
  join(root, "spec"),
  ...readdirSync(join(root, "packages")).map((name) => join(root, "packages", name)),
];
const manifests = packageDirs
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }));
const tested = manifests.filter(({ manifest }) => manifest.scripts?.test);

// A report left over from an earlier run must not stand in for one that did not happen.
for (const { dir } of tested) rmSync(join(dir, "test-results", "vitest.json"), { force: true });

const run = (args) =>
  new Promise((resolve) => {
    const child = spawn(turbo, args, { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
    child.on("close", (code, signal) => resolve(code ?? signal));
    child.on("error", () => resolve("could not start turbo"));
  });

// Phase 1: everything but the tests, on every core.
const CHECKS = ["build", "lint", "typecheck", "check:generated", "check:spec-compat"];
// Three at a time: turbo's default (10) ran a dozen type checkers at once on 2 cores, and the
// switching between them cost about a tenth of the phase's CPU (1 min 27 s, against 1 min 15 s).
const checked = spawnSync(turbo, ["run", ...CHECKS, "--continue", "--concurrency=3", ...extra], {
  cwd: root,
  stdio: "inherit",
  shell: process.platform === "win32",
});

// Phase 2: each package's tests as one job, three at a time, longest first. With --only: what they
// depend on is done, and a build run again here (turbo would, under --force) would empty a dist/
// that another lane's tests are reading.
const rank = (name) => {
  const index = LONGEST_FIRST.indexOf(name);
  return index === -1 ? LONGEST_FIRST.length : index;
};
const jobs = tested
  .map(({ manifest }) => manifest.name)
  .sort((a, b) => rank(a) - rank(b))
  .map((name) => ({ name, args: ["run", "test", `--filter=${name}`, "--only", ...extra] }));
let next = 0;
await Promise.all(
  Array.from({ length: LANES }, async () => {
    while (next < jobs.length) await run(jobs[next++].args);
  }),
);

let passed = 0;
let failed = 0;
const lines = [];
for (const { dir } of tested) {
  const name = relative(root, dir);
  const reportFile = join(dir, "test-results", "vitest.json");
  if (!existsSync(reportFile)) {
    failed += 1;
    lines.push(`  ${name}: no report (the test task did not finish)`);
    continue;
  }
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  // A test file that fails to load holds no failed test, but it is a failure all the same.
  const packageFailed =
    report.numFailedTests > 0 || report.success
      ? report.numFailedTests
      : Math.max(1, report.numFailedTestSuites);
  passed += report.numPassedTests;
  failed += packageFailed;
  lines.push(`  ${name}: ${report.numPassedTests} passed, ${packageFailed} failed`);
}
if (checked.status !== 0) {
  failed += 1;
  lines.push(`  a ${CHECKS.join(", ")} task failed (turbo exited with ${checked.status ?? checked.signal})`);
}
process.stdout.write(`\nTest totals by package:\n${lines.join("\n")}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);
