// Measure 4: start-up. In a fresh Node process each time, the time `import()` of the package takes,
// for @xsiam-sdk/client and for bare openapi-fetch, interleaved.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { interleaved } from "./interleaved.mjs";

const run = promisify(execFile);
const SAMPLES = 21;

async function importTime(specifier) {
  const code = `const started = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - started));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", code], {
    cwd: import.meta.dirname,
  });
  return Number(stdout) * 1e6;
}

export async function measureStartup() {
  const { baseline, subject, ratio } = await interleaved(
    SAMPLES,
    { name: "import openapi-fetch", measure: () => importTime("openapi-fetch") },
    { name: "import @xsiam-sdk/client", measure: () => importTime("@xsiam-sdk/client") },
  );
  return { client: subject, bare: baseline, ratio };
}
