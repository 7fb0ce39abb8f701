// Measure 5: start-up of the command-line tool. `xsiam-keys --version` against `node -e 0` (the
// floor: node itself), each in a fresh process, interleaved. Target: at most 1.3× the floor.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const SAMPLES = 31;
const bin = join(
  dirname(createRequire(import.meta.url).resolve("@xsiam-sdk/cli/package.json")),
  "dist/bin.js",
);

async function wallTime(args) {
  const started = process.hrtime.bigint();
  await run(process.execPath, args);
  return Number(process.hrtime.bigint() - started);
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

export async function measureCliStartup() {
  const node = [];
  const cli = [];
  for (let sample = 0; sample < SAMPLES; sample++) {
    // Alternate which goes first, so neither always gets the warmer caches.
    const order = sample % 2 ? ["cli", "node"] : ["node", "cli"];
    for (const which of order) {
      if (which === "cli") cli.push(await wallTime([bin, "--version"]));
      else node.push(await wallTime(["-e", "0"]));
    }
  }
  const summary = (name, samples) => ({
    name,
    min: Math.min(...samples),
    median: median(samples),
    max: Math.max(...samples),
  });
  return {
    node: summary("`node -e 0` (floor)", node),
    cli: summary("`xsiam-keys --version`", cli),
    ratio: median(cli.map((time, index) => time / (node[index] ?? time))),
    target: { maxRatio: 1.3 },
  };
}
