#!/usr/bin/env node
// Lints an OpenAPI document with Redocly and fails on any problem, warnings included:
// `redocly lint` itself exits 0 when it only finds warnings.
// Usage: node scripts/lint.mjs [spec-file] [config-file]
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { redoclyJson } from "./redocly.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const specFile = resolve(process.argv[2] ?? join(here, "..", "openapi.yaml"));
const configFile = resolve(process.argv[3] ?? join(here, "..", "..", "redocly.yaml"));

const { report, status, stderr } = redoclyJson(
  "lint",
  [specFile, "--max-problems", "1000", "--lint-config", "error"],
  configFile,
);
if (report === undefined) {
  process.stderr.write(stderr);
  process.stderr.write(`lint:spec: redocly produced no report (exit ${status})\n`);
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
process.exit(errors + warnings > 0 || status !== 0 ? 1 : 0);
