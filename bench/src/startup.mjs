// Measure 4: start-up. In a fresh Node process each time, the time `import()` of the package takes,
// for @xsiam-sdk/client and for bare openapi-fetch, interleaved.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const SAMPLES = 21;

async function importTime(specifier) {
  const code = `const started = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - started));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", code], {
    cwd: import.meta.dirname,
  });
  return Number(stdout) * 1e6;
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

export async function measureStartup() {
  const client = [];
  const bare = [];
  for (let sample = 0; sample < SAMPLES; sample++) {
    // Alternate which goes first, so neither always gets the warmer disk cache.
    const order = sample % 2 ? ["client", "bare"] : ["bare", "client"];
    for (const which of order) {
      (which === "client" ? client : bare).push(
        await importTime(which === "client" ? "@xsiam-sdk/client" : "openapi-fetch"),
      );
    }
  }
  const ratios = client.map((time, index) => time / (bare[index] ?? time));
  const summary = (name, samples) => ({
    name,
    min: Math.min(...samples),
    median: median(samples),
    max: Math.max(...samples),
  });
  return {
    client: summary("import @xsiam-sdk/client", client),
    bare: summary("import openapi-fetch", bare),
    ratio: median(ratios),
  };
}
