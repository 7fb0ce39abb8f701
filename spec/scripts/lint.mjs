#!/usr/bin/env node
// Lints an OpenAPI document with two independent linters, Redocly (redocly.yaml) and Spectral
// (spectral:oas, .spectral.yaml), and fails on any problem either reports, warnings included:
// `redocly lint` itself exits 0 when it only finds warnings.
// Usage: node scripts/lint.mjs [spec-file] [redocly-config] [spectral-ruleset]
// ("none" as a config or ruleset skips that linter: the gate's own tests try one rule at a time).
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { redoclyJson } from "./redocly.mjs";
import { spectralProblems } from "./spectral.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const specFile = resolve(process.argv[2] ?? join(here, "..", "openapi.yaml"));
const configFile = resolve(process.argv[3] ?? join(root, "redocly.yaml"));
const rulesetFile = resolve(process.argv[4] ?? join(root, ".spectral.yaml"));

let failed = false;
if (configFile.endsWith("none") === false) {
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
  failed ||= errors + warnings > 0 || status !== 0;
}

if (rulesetFile.endsWith("none") === false) {
  const spectral = spectralProblems(specFile, rulesetFile);
  if (spectral.problems === undefined) {
    process.stderr.write(spectral.stderr);
    process.stderr.write(`lint:spec: spectral produced no report (exit ${spectral.status})\n`);
    process.exit(2);
  }
  for (const problem of spectral.problems) {
    process.stdout.write(
      `${problem.severity.padEnd(7)} spectral/${problem.code}  ${problem.line}  ${problem.path}\n        ${problem.message}\n`,
    );
  }
  process.stdout.write(`${specFile}: spectral:oas, ${spectral.problems.length} problem(s)\n`);
  failed ||= spectral.problems.length > 0;
}

process.exit(failed ? 1 : 0);
