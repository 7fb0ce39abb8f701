// Measure 5: start-up of the command-line tool. `xsiam-keys --version` against `node -e 0` (the
// floor: node itself), each in a fresh process, interleaved. Target: at most 1.3× the floor.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { interleaved } from "./interleaved.mjs";

const run = promisify(execFile);
const SAMPLES = 31;
// The file a user's `xsiam-keys` runs: the package's `bin`.
const manifest = createRequire(import.meta.url).resolve("@xsiam-sdk/cli/package.json");
const bin = join(dirname(manifest), JSON.parse(readFileSync(manifest, "utf8")).bin["xsiam-keys"]);

async function wallTime(args) {
  const started = process.hrtime.bigint();
  await run(process.execPath, args);
  return Number(process.hrtime.bigint() - started);
}

export async function measureCliStartup() {
  const { baseline, subject, ratio } = await interleaved(
    SAMPLES,
    { name: "`node -e 0` (floor)", measure: () => wallTime(["-e", "0"]) },
    { name: "`xsiam-keys --version`", measure: () => wallTime([bin, "--version"]) },
  );
  return { node: baseline, cli: subject, ratio, target: { maxRatio: 1.3 } };
}
