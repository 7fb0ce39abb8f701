// Measures several variants of one operation, interleaved so that machine drift (other load,
// CPU frequency, GC) hits every variant alike. Reports min/median/max time per operation and each
// variant's ratio to the first variant (the floor).

/** @typedef {{ name: string, run: () => unknown }} Variant  `run` may return a promise; it is awaited. */
/** @typedef {{ name: string, min: number, median: number, max: number, ratio: number, samples: number[] }} Stats  times in ns */

const now = () => process.hrtime.bigint();

/** The median of an array sorted ascending. */
export function median(sorted) {
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function timeBatch(run, batch) {
  const start = now();
  for (let i = 0; i < batch; i++) {
    const result = run();
    if (result instanceof Promise) await result;
  }
  return Number(now() - start) / batch;
}

/** Formats a ratio. */
export const formatRatio = (ratio) => `${ratio.toFixed(2)}×`;

/**
 * @param {Variant[]} variants the first one is the floor the others are compared with
 * @param {{ samples?: number, targetSampleMs?: number }} [options]
 * @returns {Promise<Stats[]>}
 */
export async function compare(
  variants,
  { samples = 41, targetSampleMs = 8, perOperation = 1, warmup = 2_000 } = {},
) {
  // Warm up, then size each variant's batch so one sample takes about targetSampleMs.
  const batches = [];
  for (const variant of variants) {
    await timeBatch(variant.run, warmup);
    const perOp = await timeBatch(variant.run, warmup);
    batches.push(Math.max(1, Math.round((targetSampleMs * 1e6) / perOp)));
  }
  const times = variants.map(() => []);
  for (let sample = 0; sample < samples; sample++) {
    // Rotate the starting variant so none always runs first in a round.
    for (let k = 0; k < variants.length; k++) {
      const index = (sample + k) % variants.length;
      times[index].push((await timeBatch(variants[index].run, batches[index])) / perOperation);
    }
  }
  const sorted = times.map((list) => [...list].sort((a, b) => a - b));
  return variants.map((variant, index) => ({
    name: variant.name,
    min: sorted[index][0],
    median: median(sorted[index]),
    max: sorted[index].at(-1),
    // The median of per-round ratios: each round ran every variant back to back, so a slow
    // stretch of the machine inflates the floor and the variant alike and cancels out.
    ratio: median(times[index].map((time, sample) => time / times[0][sample]).sort((a, b) => a - b)),
    samples: times[index],
  }));
}

/** Formats nanoseconds for a table. */
export function formatNs(ns) {
  return ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e3
      ? `${(ns / 1e3).toFixed(2)} µs`
      : `${ns.toFixed(0)} ns`;
}

/** A Markdown table of `compare` results. */
export function table(stats, floorLabel = "floor") {
  const rows = stats.map(
    (s, i) =>
      `| ${s.name} | ${formatNs(s.min)} | ${formatNs(s.median)} | ${formatNs(s.max)} | ${i === 0 ? floorLabel : `${s.ratio.toFixed(2)}×`} |`,
  );
  return ["| variant | min | median | max | ratio |", "| --- | ---: | ---: | ---: | ---: |", ...rows].join(
    "\n",
  );
}
