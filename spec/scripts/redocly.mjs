// Runs the pinned @redocly/cli with the repository's config and returns its JSON report, for the
// lint gate (lint.mjs) and the compatibility gate (compat.mjs).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const cli = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");

/**
 * `redocly <command> ...args --config <configFile> --format json`; the parsed report, with the
 * command's exit status, or undefined and its stderr when it printed no report.
 */
export function redoclyJson(command, args, configFile) {
  const run = spawnSync(
    process.execPath,
    [cli, command, ...args, "--config", configFile, "--format", "json"],
    {
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
  try {
    return { report: JSON.parse(run.stdout), status: run.status, stderr: run.stderr };
  } catch {
    return { report: undefined, status: run.status, stderr: run.stderr };
  }
}
