// Measure 6: the pipeline, in a throwaway copy of the repository with its own turbo cache:
// a cold `pnpm build` (empty cache), a fully cached one, and one after editing the spec.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { copyWorkspace } from "@xsiam-sdk/test-support";

function timedBuild(work, cacheDir) {
  const started = performance.now();
  const output = execFileSync(
    join(work, "node_modules/.bin/turbo"),
    ["run", "build", `--cache-dir=${cacheDir}`, "--output-logs=none", "--no-daemon"],
    {
      cwd: work,
      encoding: "utf8",
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
    },
  );
  const seconds = (performance.now() - started) / 1_000;
  const cached = /Cached:\s+(\d+) cached, (\d+) total/.exec(output);
  return { seconds, cached: Number(cached?.[1]), total: Number(cached?.[2]) };
}

export function measurePipeline() {
  const work = copyWorkspace("xsiam-bench-pipeline-");
  const cacheDir = join(work, ".turbo-bench-cache");
  const cold = timedBuild(work, cacheDir);
  const cached = timedBuild(work, cacheDir);
  const spec = join(work, "spec/openapi.yaml");
  writeFileSync(
    spec,
    readFileSync(spec, "utf8").replace(
      "A free-text note stored with the key",
      "A note edited by the benchmark",
    ),
  );
  const afterSpecEdit = timedBuild(work, cacheDir);
  return { cores: cpus().length, cold, cached, afterSpecEdit };
}
