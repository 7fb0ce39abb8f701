// `pnpm bench`: runs every measure, prints a Markdown report, writes bench/results.json.
// Ratios are taken within one run (the machines are noisy; absolute times mean little).
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { measureCliStartup } from "./cli-startup.mjs";
import { formatNs, formatRatio, table } from "./harness.mjs";
import { measureOverhead } from "./overhead.mjs";
import { measurePipeline } from "./pipeline.mjs";
import { measureSettle } from "./settle.mjs";
import { measureSigning } from "./signing.mjs";
import { measureSize } from "./size.mjs";
import { measureStartup } from "./startup.mjs";
import { measureTenantLimit } from "./tenant-limit.mjs";

const started = performance.now();
const verdict = (met) => (met ? "met" : "**missed**");
const bytes = (count) => `${(count / 1000).toFixed(2)} kB`;
const report = [
  `## xsiam-sdk benchmarks`,
  "",
  `Node ${process.version}, ${cpus().length} cores, ${new Date().toISOString()}.`,
];
const results = { date: new Date().toISOString(), node: process.version, cores: cpus().length, measures: {} };

const overhead = await measureOverhead();
results.measures.overhead = overhead;
const spread = ({ median, min, max }) =>
  `${formatRatio(median)} (${formatRatio(min)} to ${formatRatio(max)})`;
const variantNames = Object.keys(overhead.runs[0].perCallNs);
report.push(
  "",
  "### 1. Per-request overhead (generate; reply server in another process, keep-alive)",
  "",
  `${overhead.runs.length} runs, each a fresh process of ${overhead.rounds} paired rounds of ${overhead.callsPerRound} calls per variant (the order rotated per round). Time per call, the median of a run's rounds; ratio to the peer, the median of the per-round ratios.`,
  "",
  `| run | ${variantNames.join(" | ")} | ${Object.keys(overhead.runs[0].ratios)
    .map((name) => `ratio, ${name.split(",")[0]}`)
    .join(" | ")} |`,
  `| ---: | ${variantNames.map(() => "---:").join(" | ")} | ${Object.keys(overhead.runs[0].ratios)
    .map(() => "---:")
    .join(" | ")} |`,
  ...overhead.runs.map(
    (run, index) =>
      `| ${index + 1} | ${Object.values(run.perCallNs).map(formatNs).join(" | ")} | ${Object.values(
        run.ratios,
      )
        .map(formatRatio)
        .join(" | ")} |`,
  ),
  "",
  ...Object.entries(overhead.ratios).map(
    ([name, ratio]) => `- ${name} against ${overhead.peer}: median of runs ${spread(ratio)}.`,
  ),
  ...(overhead.versusBefore
    ? [
        `- \`apiKeys.generate\` against the same call of the client before the change: ${spread(overhead.versusBefore)}.`,
      ]
    : []),
  "",
  `Target: \`apiKeys.generate\` at most ${formatRatio(overhead.target.maxRatioToBare)} bare openapi-fetch: ${verdict(overhead.ratios[overhead.target.variant].median <= overhead.target.maxRatioToBare)}.`,
);

const signing = await measureSigning();
results.measures.signing = signing;
const perRequest = signing.stats[signing.target.variant];
report.push(
  "",
  "### 2. Signing (advanced key)",
  "",
  table(signing.stats),
  "",
  `Target: per-request signing on Node at most ${formatRatio(signing.target.maxRatio)} the floor: ` +
    `${verdict((perRequest?.ratio ?? Number.POSITIVE_INFINITY) <= signing.target.maxRatio)}.`,
);

const size = await measureSize();
results.measures.size = size;
const row = (name, measure) =>
  `| ${name} | ${bytes(measure.eager.minified)} | ${bytes(measure.eager.brotli)} | ${bytes(measure.total.brotli)} |`;
report.push(
  "",
  "### 3. Bundle size (a consumer that imports `createXsiamClient` and makes one call; esbuild with code splitting, minified, each chunk brotli)",
  "",
  "| bundle | minified, eager | brotli, eager | brotli, with lazy chunks |",
  "| --- | ---: | ---: | ---: |",
  row("bare openapi-fetch consumer", size.bareOpenapiFetch),
  row("@xsiam-sdk/client consumer (client + auth + openapi-fetch)", size.clientConsumer),
  row("client + auth alone (openapi-fetch left out)", size.clientAndAuth),
  ...(size.clientConsumerBefore
    ? [row("the client consumer, client before the change", size.clientConsumerBefore)]
    : []),
  "",
  `Target: the client consumer's entry chunk (what loads up front, openapi-fetch included) at most ${bytes(size.target.maxBrotliBytes)} brotli: ${verdict(size.clientConsumer.eager.brotli <= size.target.maxBrotliBytes)}. ` +
    "The budget `pnpm test` enforces is in packages/client/size-budget.json (eager bytes; what runs after a failure, reconciliation and rotation load lazily).",
  "",
  `Where client + auth come from (minified bytes per source module): ${Object.entries(
    size.clientAndAuth.modules,
  )
    .slice(0, 12)
    .map(([name, count]) => `${name} ${count}`)
    .join(", ")}.`,
);

const startup = await measureStartup();
results.measures.startup = startup;
report.push(
  "",
  "### 4. Start-up (time of `import()` in a fresh Node process)",
  "",
  "| package | min | median | max |",
  "| --- | ---: | ---: | ---: |",
  ...[startup.bare, startup.client, ...(startup.before ?? [])].map(
    (s) => `| ${s.name} | ${formatNs(s.min)} | ${formatNs(s.median)} | ${formatNs(s.max)} |`,
  ),
  "",
  `@xsiam-sdk/client takes ${formatRatio(startup.ratio)} the time of bare openapi-fetch to import` +
    (startup.versusBefore
      ? `, and ${formatRatio(startup.versusBefore)} the time of the client before the change.`
      : "."),
);

const cliStartup = await measureCliStartup();
results.measures.cliStartup = cliStartup;
report.push(
  "",
  "### 5. Command-line start-up (a fresh process each time)",
  "",
  "| command | min | median | max |",
  "| --- | ---: | ---: | ---: |",
  ...[cliStartup.node, cliStartup.cli].map(
    (s) => `| ${s.name} | ${formatNs(s.min)} | ${formatNs(s.median)} | ${formatNs(s.max)} |`,
  ),
  "",
  `\`xsiam-keys --version\` takes ${formatRatio(cliStartup.ratio)} the time of \`node -e 0\`. ` +
    `Target at most ${formatRatio(cliStartup.target.maxRatio)}: ${verdict(cliStartup.ratio <= cliStartup.target.maxRatio)}.`,
);

const pipeline = measurePipeline();
results.measures.pipeline = pipeline;
const step = (name, run) => `| ${name} | ${run.seconds.toFixed(1)} s | ${run.cached} of ${run.total} |`;
report.push(
  "",
  `### 6. Pipeline (\`pnpm build\` in a copy of the repository, ${pipeline.cores} cores)`,
  "",
  "| build | time | cached tasks |",
  "| --- | ---: | ---: |",
  step("cold (empty cache)", pipeline.cold),
  step("again, nothing changed", pipeline.cached),
  step("after editing the spec", pipeline.afterSpecEdit),
);

const tenantLimit = await measureTenantLimit();
results.measures.tenantLimit = tenantLimit;
const ok = (run) => run.share >= tenantLimit.target.minShare && run.tooMany === 0;
const defaultRedis = tenantLimit.runs.filter((run) => run.name.includes("the default"));
report.push(
  "",
  "### 7. Throughput under the tenant limit (a server that answers 429 past 10 requests in any 1000 ms)",
  "",
  "| limiter | processes | calls | seconds | requests/s | share of 10/s | 429s |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...tenantLimit.runs.map(
    (run) =>
      `| ${run.name} | ${run.processes} | ${run.calls} | ${run.seconds.toFixed(2)} | ${run.rate.toFixed(2)} | ${(run.share * 100).toFixed(1)}% | ${run.tooMany} |`,
  ),
  "",
  `Target: at least ${tenantLimit.target.minShare * 100}% of the limit with 0 429s, for the Redis limiter with its default margin: ${verdict(defaultRedis.every(ok))}.`,
);

const settle = await measureSettle();
results.measures.settle = settle;
const settleRow = (name, run) =>
  `| ${name} | ${run.calls} | ${run.seconds.map((value) => value.toFixed(1)).join(", ")} | ${run.requests.generate} | ${run.requests.list} | ${run.requests.delete} | ${run.orphans} |`;
report.push(
  "",
  "### 8. A generate whose request may still mint (the simulated tenant, real clock)",
  "",
  "| case | generates | seconds each | generate requests | lists | deletes | orphans |",
  "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
  settleRow(
    "mints 1.5 s after arrival, answers at 3 s; client timeout 1 s (default window)",
    settle.actLater,
  ),
  settleRow("the same with `settleMs: 0` (one check at once, as before the window)", settle.actLaterBefore),
  settleRow("a 503 whose request never mints; `settleMs: 20000`", settle.neverMints),
  "",
  "A call that succeeds never waits (measure 1 is its cost). One that fails where the service may still act waits until its key appears or the window closes: about 16 lists over the default 3 minutes (at once, then 1, 2, 4 and 8 s apart, then every 15 s).",
);

results.durationSeconds = Math.round((performance.now() - started) / 1000);
report.push(
  "",
  `Measured in ${results.durationSeconds} s with \`pnpm bench\`; figures in bench/results.json.`,
);
writeFileSync(new URL("../results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log(report.join("\n"));
