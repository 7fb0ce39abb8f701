// A Node start-up snapshot (`node --build-snapshot`) holds the heap as it was when it was built,
// the nonce pool included: every process started from it would sign its first requests with the
// same nonces. The pool is dropped when a process starts from the snapshot.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, expect, test } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "xsiam-snapshot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("three processes started from one snapshot draw different nonces", async () => {
  // The snapshot's entry: the built package (as an app would bundle it for a snapshot, which takes
  // one CommonJS script), a nonce drawn while building, so that the pool is full in the snapshot.
  writeFileSync(
    join(dir, "entry.mjs"),
    `import { startupSnapshot } from "node:v8";
import { createNonce } from "@xsiam-sdk/auth";
globalThis.drawnWhileBuilding = createNonce();
startupSnapshot.setDeserializeMainFunction(() => {
  process.stdout.write(JSON.stringify([globalThis.drawnWhileBuilding, createNonce(), createNonce()]));
});
`,
  );
  await build({
    entryPoints: [join(dir, "entry.mjs")],
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile: join(dir, "entry.cjs"),
    alias: { "@xsiam-sdk/auth": fileURLToPath(new URL("../dist/index.js", import.meta.url)) },
    logLevel: "error",
  });
  const blob = join(dir, "snapshot.blob");
  execFileSync(process.execPath, ["--snapshot-blob", blob, "--build-snapshot", join(dir, "entry.cjs")], {
    cwd: dir,
    stdio: "pipe",
  });
  const runs = [1, 2, 3].map(
    () =>
      JSON.parse(
        execFileSync(process.execPath, ["--snapshot-blob", blob], { cwd: dir, encoding: "utf8" }),
      ) as [string, string, string],
  );
  // The snapshot is real: what was drawn while building is the same in every process...
  expect(new Set(runs.map(([built]) => built)).size).toBe(1);
  // ...and what each process draws is its own.
  const drawn = runs.flatMap(([, first, second]) => [first, second]);
  for (const nonce of drawn) expect(nonce).toMatch(/^[A-Za-z0-9]{64}$/);
  expect(new Set(drawn).size).toBe(6);
}, 60_000);
