#!/usr/bin/env node
// `pnpm test`: runs every package's tests, lint, type check, generated-types drift check and the
// spec compatibility gate through turbo (all of them, even after a failure), then adds up the
// vitest JSON reports and prints the totals as the last line: `N passed, N failed`. A failed
// check outside vitest counts as one failure.
// Three tasks at a time: the suites start servers, browsers and other runtimes, and several
// check timing, so packing more onto a small machine only adds contention.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packageDirs = [
  join(root, "spec"),
  ...readdirSync(join(root, "packages")).map((name) => join(root, "packages", name)),
];
const tested = packageDirs.filter((dir) => {
  const manifest = join(dir, "package.json");
  return existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).scripts?.test;
});

// A report left over from an earlier run must not stand in for one that did not happen.
for (const dir of tested) rmSync(join(dir, "test-results", "vitest.json"), { force: true });

const turbo = spawnSync(
  "turbo",
  [
    "run",
    "lint",
    "typecheck",
    "check:generated",
    "check:spec-compat",
    "test",
    "--continue",
    "--concurrency=3",
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
  },
);

let passed = 0;
let failed = 0;
const lines = [];
for (const dir of tested) {
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
if (turbo.status !== 0 && failed === 0) {
  failed += 1;
  lines.push(
    `  a lint, typecheck, check:generated or check:spec-compat task failed (turbo exited with ${turbo.status ?? turbo.signal})`,
  );
}
process.stdout.write(`\nTest totals by package:\n${lines.join("\n")}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);
