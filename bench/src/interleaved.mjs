// For the start-up measures (4 and 5): two things measured in fresh processes, sample by sample,
// alternating which goes first so that neither always gets the warmer caches.

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

const summary = (name, values) => ({
  name,
  min: Math.min(...values),
  median: median(values),
  max: Math.max(...values),
});

/**
 * Runs `baseline.measure()` and `subject.measure()` (each resolves to a time in ns) `samples`
 * times each, interleaved. Returns the min, median and max of each, and the median of the
 * per-sample ratios subject / baseline.
 */
export async function interleaved(samples, baseline, subject) {
  const times = { baseline: [], subject: [] };
  for (let sample = 0; sample < samples; sample++) {
    const order = sample % 2 ? ["subject", "baseline"] : ["baseline", "subject"];
    for (const which of order) {
      times[which].push(await (which === "subject" ? subject : baseline).measure());
    }
  }
  return {
    baseline: summary(baseline.name, times.baseline),
    subject: summary(subject.name, times.subject),
    ratio: median(times.subject.map((time, index) => time / times.baseline[index])),
  };
}
