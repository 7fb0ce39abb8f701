// Measure 4: start-up. In a fresh Node process each time, the time `import()` of the package takes,
// for @xsiam-sdk/client and for bare openapi-fetch, interleaved.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { interleaved } from "./interleaved.mjs";
import { baselineClient } from "./overhead.mjs";

const run = promisify(execFile);
const SAMPLES = 41;

async function importTime(specifier, cwd = import.meta.dirname) {
  const code = `const started = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - started));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", code], {
    cwd,
  });
  return Number(stdout) * 1e6;
}

export async function measureStartup() {
  const { baseline, subject, ratio } = await interleaved(
    SAMPLES,
    { name: "import openapi-fetch", measure: () => importTime("openapi-fetch") },
    { name: "import @xsiam-sdk/client", measure: () => importTime("@xsiam-sdk/client") },
  );
  const before = baselineClient();
  if (!before) return { client: subject, bare: baseline, ratio };
  // The same import, against the client before a change (XSIAM_BENCH_BASELINE), in the same run.
  const versusBefore = await interleaved(
    SAMPLES,
    // By the same name, from the other checkout's bench package: resolved as a user's import is.
    {
      name: "import @xsiam-sdk/client before the change",
      measure: () => importTime("@xsiam-sdk/client", join(process.env.XSIAM_BENCH_BASELINE ?? "", "bench")),
    },
    { name: "import @xsiam-sdk/client, in the same samples", measure: () => importTime("@xsiam-sdk/client") },
  );
  return {
    client: subject,
    bare: baseline,
    ratio,
    before: [versusBefore.baseline, versusBefore.subject],
    versusBefore: versusBefore.ratio,
  };
}
