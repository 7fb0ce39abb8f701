// `pnpm check:generated` must fail whenever the committed types and the spec disagree. The cases
// call the script's function in this process (openapi-typescript loads once); the first runs the
// script itself, as the turbo task does.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { specFile } from "@xsiam-sdk/test-support";
import { beforeEach, expect, test } from "vitest";
import { generateClientFiles } from "../scripts/generate.mjs";

const script = fileURLToPath(new URL("../scripts/generate.mjs", import.meta.url));
const committed = fileURLToPath(new URL("../src/generated/openapi.ts", import.meta.url));
const committedSpec = fileURLToPath(new URL("../src/generated/openapi.yaml", import.meta.url));
const committedValues = fileURLToPath(new URL("../src/generated/spec-values.ts", import.meta.url));

const check = (spec: string, out: string) => generateClientFiles({ spec, out, check: true });

let dir: string;
let spec: string;
let out: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "check-generated-"));
  mkdirSync(join(dir, "spec"));
  mkdirSync(join(dir, "generated"));
  spec = join(dir, "spec", "openapi.yaml");
  out = join(dir, "generated", "openapi.ts");
  copyFileSync(specFile, spec);
  copyFileSync(committed, out);
  copyFileSync(committedSpec, join(dir, "generated", "openapi.yaml"));
  copyFileSync(committedValues, join(dir, "generated", "spec-values.ts"));
});

test("passes on the committed file and the current spec (the script, as the task runs it)", () => {
  const run = spawnSync(process.execPath, [script, "--check", "--spec", spec, "--out", out], {
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
});

test("fails when a description in the spec changed", async () => {
  const text = readFileSync(spec, "utf8");
  const edited = text.replace("A free-text note stored with the key", "A note kept with the key");
  expect(edited).not.toBe(text);
  writeFileSync(spec, edited);
  const run = await check(spec, out);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/differs from what .* generates; run `pnpm generate`/);
});

test("fails when a value the client checks at run time changed in the spec (an enum)", async () => {
  const text = readFileSync(spec, "utf8");
  const edited = text.replace(
    "        - advanced\n        - standard\n",
    "        - advanced\n        - standard\n        - paranoid\n",
  );
  expect(edited).not.toBe(text);
  writeFileSync(spec, edited);
  writeFileSync(
    out,
    readFileSync(out, "utf8").replace('"advanced" | "standard"', '"advanced" | "standard" | "paranoid"'),
  );
  const run = await check(spec, out);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/spec-values\.ts differs from what .* generates/);
});

test("fails when the committed file was edited by hand", async () => {
  writeFileSync(out, readFileSync(out, "utf8").replace('field: "id";', 'field: "id" | "name";'));
  expect((await check(spec, out)).status).toBe(1);
});

test("fails when the committed file was reformatted", async () => {
  writeFileSync(out, readFileSync(out, "utf8").replaceAll("    ", "  "));
  expect((await check(spec, out)).status).toBe(1);
});

test("fails when the committed file is missing", async () => {
  const run = await check(spec, join(dir, "absent.ts"));
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/is missing/);
});

test("fails when the shipped copy of the spec differs from the spec", async () => {
  const copy = join(dir, "generated", "openapi.yaml");
  writeFileSync(copy, `${readFileSync(copy, "utf8")}\n`);
  const run = await check(spec, out);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/openapi\.yaml is not a copy of .*openapi\.yaml; run `pnpm generate`/);
});
