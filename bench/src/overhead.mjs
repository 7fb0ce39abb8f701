// Measure 1: per-request overhead. `xsiam.apiKeys.generate` with advanced signing against bare
// openapi-fetch making the same call with static auth headers, the reply server in another
// process on keep-alive: RUNS runs, each in a fresh process (overhead-run.mjs), each of ROUNDS
// paired rounds of 600 calls per variant. A run's ratio is the median of its rounds' ratios; the
// report is the median of the runs' ratios and their spread (single runs move by a few percent).
// XSIAM_BENCH_BASELINE=<a checkout of the repository before a change, built> adds that client's
// generate, so that a change is measured against what it replaced, in the same runs.
import { execFile, fork } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { median } from "./harness.mjs";

const RUNS = 5;
const run = promisify(execFile);

async function startServer() {
  const server = fork(new URL("./reply-server.mjs", import.meta.url), [], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const [chunk] = await once(server.stdout, "data");
  return { url: `http://127.0.0.1:${Number(String(chunk))}`, stop: () => server.kill() };
}

/** The built client of the checkout named by XSIAM_BENCH_BASELINE, as a file URL, or undefined. */
export function baselineClient() {
  const checkout = process.env.XSIAM_BENCH_BASELINE;
  if (!checkout) return undefined;
  const entry = join(resolve(checkout), "packages/client/dist/index.js");
  if (!existsSync(entry)) {
    throw new Error(
      `XSIAM_BENCH_BASELINE: no built client at ${entry} (run pnpm install and pnpm build there)`,
    );
  }
  return pathToFileURL(entry).href;
}

const sorted = (values) => [...values].sort((a, b) => a - b);
const ratioOf = (variant, peer) =>
  median(sorted(variant.times.map((time, round) => time / peer.times[round])));

export async function measureOverhead() {
  const server = await startServer();
  const baseline = baselineClient();
  try {
    const runs = [];
    for (let index = 0; index < RUNS; index++) {
      const script = new URL("./overhead-run.mjs", import.meta.url).pathname;
      const { stdout } = await run(process.execPath, [script, server.url, ...(baseline ? [baseline] : [])], {
        cwd: import.meta.dirname,
        timeout: 300_000,
      });
      const [bare, ...others] = JSON.parse(stdout);
      runs.push({
        perCallNs: Object.fromEntries([bare, ...others].map((v) => [v.name, median(sorted(v.times))])),
        ratios: Object.fromEntries(others.map((v) => [v.name, ratioOf(v, bare)])),
        ...(baseline ? { versusBefore: ratioOf(others[0], others.at(-1)) } : {}),
      });
    }
    const across = (pick) => {
      const values = sorted(runs.map(pick));
      return { median: median(values), min: values[0], max: values.at(-1) };
    };
    const names = Object.keys(runs[0].ratios);
    return {
      runs,
      peer: Object.keys(runs[0].perCallNs)[0],
      ratios: Object.fromEntries(names.map((name) => [name, across((r) => r.ratios[name])])),
      ...(baseline ? { versusBefore: across((r) => r.versusBefore) } : {}),
      rounds: 11,
      callsPerRound: 600,
      target: { variant: names[0], maxRatioToBare: 1.05 },
    };
  } finally {
    server.stop();
  }
}
