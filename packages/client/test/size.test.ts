// The size budget, enforced: size-limit (esbuild preset: bundled, minified, brotli) over the built
// package, as .size-limit.json sets it. `pnpm bench` reports the same figures next to openapi-fetch.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const sizeLimit = fileURLToPath(new URL("../node_modules/size-limit/bin.js", import.meta.url));

test("the bundle of a createXsiamClient consumer is within the size budget", async () => {
  const { stdout } = await run(process.execPath, [sizeLimit, "--json"], { cwd: packageDir }).catch(
    (failure: { stdout: string }) => failure,
  );
  const checks = JSON.parse(stdout) as Array<{
    name: string;
    passed: boolean;
    size: number;
    sizeLimit: number;
  }>;
  console.log(
    `size-limit: ${checks.map((check) => `${check.name}: ${check.size} of ${check.sizeLimit} bytes`).join("; ")}`,
  );
  expect(checks).toHaveLength(2);
  for (const check of checks) expect(check.size, check.name).toBeLessThanOrEqual(check.sizeLimit);
  expect(checks.every((check) => check.passed)).toBe(true);
}, 60_000);
