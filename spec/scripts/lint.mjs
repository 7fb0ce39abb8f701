#!/usr/bin/env node
// Lints an OpenAPI document with Redocly and fails on any problem, warnings included:
// `redocly lint` itself exits 0 when it only finds warnings.
// Usage: node scripts/lint.mjs [spec-file] [config-file]
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const specFile = resolve(process.argv[2] ?? join(here, "..", "openapi.yaml"));
const configFile = resolve(process.argv[3] ?? join(here, "..", "..", "redocly.yaml"));
const redocly = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");

const run = spawnSync(
  process.execPath,
  [
    redocly,
    "lint",
    specFile,
    "--config",
    configFile,
    "--format",
    "json",
    "--max-problems",
    "1000",
    "--lint-config",
    "error",
  ],
  {
    encoding: "utf8",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  },
);

let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  process.stderr.write(run.stderr);
  process.stderr.write(`lint:spec: redocly produced no report (exit ${run.status})\n`);
  process.exit(2);
}

for (const problem of report.problems) {
  const where = problem.location[0];
  const line = where?.start ? `${where.start.line}:${where.start.col}` : "?";
  process.stdout.write(
    `${problem.severity.padEnd(7)} ${problem.ruleId}  ${line}  ${where?.pointer ?? ""}\n        ${problem.message}\n`,
  );
}
const { errors, warnings } = report.totals;
process.stdout.write(`${specFile}: ${errors} error(s), ${warnings} warning(s)\n`);
process.exit(errors + warnings > 0 || run.status !== 0 ? 1 : 0);
