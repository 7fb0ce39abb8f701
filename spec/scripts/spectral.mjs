// Runs the pinned Spectral (spectral:oas, the repository's .spectral.yaml) on an OpenAPI document
// and returns its problems, for the lint gate (lint.mjs): the second, independent linter.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const cli = createRequire(import.meta.url).resolve("@stoplight/spectral-cli/dist/index.js");
const SEVERITIES = ["error", "warning", "info", "hint"];

/**
 * `spectral lint <specFile> --ruleset <rulesetFile>`: every problem at any severity, as
 * `{ severity, code, line, path, message }`, or `undefined` and its stderr when it printed no report.
 */
export function spectralProblems(specFile, rulesetFile) {
  const run = spawnSync(
    process.execPath,
    [
      cli,
      "lint",
      specFile,
      "--ruleset",
      rulesetFile,
      "--format",
      "json",
      "--fail-severity",
      "hint",
      "--quiet",
    ],
    { encoding: "utf8", env: { ...process.env, SCARF_ANALYTICS: "false", DO_NOT_TRACK: "1" } },
  );
  let results;
  try {
    results = JSON.parse(run.stdout || "[]");
  } catch {
    return { problems: undefined, status: run.status, stderr: run.stderr };
  }
  return {
    problems: results.map((result) => ({
      severity: SEVERITIES[result.severity] ?? "error",
      code: result.code,
      line: result.range ? `${result.range.start.line + 1}:${result.range.start.character + 1}` : "?",
      path: `#/${result.path.join("/")}`,
      message: result.message,
    })),
    status: run.status,
    stderr: run.stderr,
  };
}
