// `pnpm bench`: runs every measure, prints a Markdown report and writes bench/results.json.

import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { table } from "./harness.mjs";
import { measureSigning } from "./signing.mjs";

const report = [];
const results = { date: new Date().toISOString(), node: process.version, cores: cpus().length, measures: {} };

const signing = await measureSigning();
results.measures.signing = signing;
const met = signing.stats[signing.target.variant].ratio <= signing.target.maxRatio;
report.push(
  "### Signing (advanced key, per request)",
  "",
  table(signing.stats),
  "",
  `Target: per-request signing on Node at most ${signing.target.maxRatio}× the floor: ${met ? "met" : "MISSED"}.`,
);

writeFileSync(new URL("../results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `## xsiam-sdk benchmarks (Node ${process.version}, ${cpus().length} cores)\n\n${report.join("\n")}`,
);
