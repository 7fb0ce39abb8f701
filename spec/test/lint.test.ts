// The lint gate: passes on the spec, and each rule the project relies on fails a copy of the spec
// that breaks it. A rule that never reports would make its case here fail.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";

const lintScript = fileURLToPath(new URL("../scripts/lint.mjs", import.meta.url));
const specFile = fileURLToPath(new URL("../openapi.yaml", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: the mutations below walk an untyped YAML document
type Spec = any;

const execFileAsync = promisify(execFile);

/** Runs the gate on `spec`; `only` runs one of its two linters, to try one rule at a time. */
async function lint(
  spec: Spec | string,
  { config, only }: { config?: string; only?: "redocly" | "spectral" } = {},
): Promise<{ status: number; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), "lint-spec-"));
  const file = join(dir, "openapi.yaml");
  writeFileSync(file, typeof spec === "string" ? spec : stringify(spec));
  const redocly = only === "spectral" ? "none" : (config ?? join(root, "redocly.yaml"));
  const spectral = only === "redocly" ? "none" : join(root, ".spectral.yaml");
  const args = [lintScript, file, redocly, spectral];
  try {
    const { stdout } = await execFileAsync(process.execPath, args, { encoding: "utf8" });
    return { status: 0, stdout };
  } catch (error) {
    const { code, stdout } = error as { code: number; stdout: string };
    return { status: code, stdout };
  }
}

const original = readFileSync(specFile, "utf8");
const fresh = (): Spec => parse(original);
const generate = (spec: Spec) => spec.paths["/public_api/v1/api_keys/generate"].post;
const remove = (spec: Spec) => spec.paths["/public_api/v1/api_keys/delete"].post;

test("the spec passes both linters with no problem at all", async () => {
  const run = await lint(original);
  expect(run.stdout).toMatch(/0 error\(s\), 0 warning\(s\)/);
  expect(run.stdout).toContain("spectral:oas, 0 problem(s)");
  expect(run.status).toBe(0);
});

// Spectral's spectral:oas, the second linter: what it finds fails the gate, warnings included.
const spectralViolations: Array<[rule: string, mutate: (spec: Spec) => void]> = [
  ["spectral/info-contact", (s) => delete s.info.contact],
  [
    "spectral/array-items",
    (s) => delete s.components.schemas.ErrorResponse.properties.reply.properties.err_extra.oneOf[3].items,
  ],
  ["spectral/operation-tags", (s) => delete generate(s).tags],
];

// One Spectral run over every broken copy (each rule's case its own file), the first case also
// through the gate; see `eachRuleFails`.
describe("Spectral: each of its rules fails a spec that breaks it", () => {
  eachRuleFails(spectralViolations, "spectral");
});

const violations: Array<[rule: string, mutate: (spec: Spec) => void]> = [
  ["operation-operationId", (s) => delete generate(s).operationId],
  ["operation-summary", (s) => delete remove(s).summary],
  ["rule/operation-description", (s) => (remove(s).description = "")],
  [
    "operation-4xx-response",
    (s) => {
      for (const code of ["400", "401", "402", "403", "413", "429"]) delete remove(s).responses[code];
    },
  ],
  [
    "no-invalid-media-type-examples",
    (s) =>
      (generate(s).responses["200"].content["application/json"].examples.created.value.reply.id = "4267"),
  ],
  [
    "no-invalid-media-type-examples",
    (s) =>
      (generate(s).requestBody.content["application/json"].examples.nightlyJob.value.request_data.roles = []),
  ],
  ["no-invalid-parameter-examples", (s) => (s.components.parameters.Nonce.example = "short")],
  [
    "no-unused-components",
    (s) => (s.components.schemas.Unused = { type: "string", description: "Not referenced." }),
  ],
  ["rule/schema-description", (s) => delete s.components.schemas.ApiKeyIdFilter.description],
  ["security-defined", (s) => delete s.security],
  ["operation-4xx-response", (s) => (remove(s).responses = { "200": remove(s).responses["200"] })],
];

describe("each rule fails a spec that breaks it", () => {
  eachRuleFails(violations, "redocly");
});

/**
 * Each case's broken copy is linted with the gate's configuration, all of them in one run of the
 * linter (a run per case took a Node start and a config load each); the first case also goes
 * through the gate itself, which must fail it. A report per file, in the order given.
 */
function eachRuleFails(
  cases: Array<[rule: string, mutate: (spec: Spec) => void]>,
  linter: "redocly" | "spectral",
): void {
  const dir = mkdtempSync(join(tmpdir(), `lint-${linter}-`));
  const files = cases.map(([, mutate], index) => {
    const spec = fresh();
    mutate(spec);
    const file = join(dir, `case-${index}.yaml`);
    writeFileSync(file, stringify(spec));
    return file;
  });
  let found: Promise<string[][]>;
  beforeAll(() => {
    found = linter === "redocly" ? redoclyRules(files) : spectralRules(files);
  });

  test.each(cases.map(([rule], index) => [rule, index] as const))("%s", async (rule, index) => {
    expect((await found)[index]).toContain(rule);
  });

  test(`the gate fails the first (${cases[0]?.[0]})`, async () => {
    const run = await lint(readFileSync(files[0] as string, "utf8"), { only: linter });
    expect(run.stdout).toContain(cases[0]?.[0]);
    expect(run.status).toBe(1);
  });
}

const require = createRequire(import.meta.url);

/** The rule ids Redocly reports for each file: `redocly lint` prints one JSON report per file. */
async function redoclyRules(files: string[]): Promise<string[][]> {
  const cli = require.resolve("@redocly/cli/bin/cli.js");
  const config = join(root, "redocly.yaml");
  const args = [cli, "lint", ...files, "--config", config, "--format", "json", "--max-problems", "1000"];
  const { stdout } = await execFileAsync(process.execPath, args, {
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout: string }) => error);
  // Pretty-printed, each report ends with a "}" at the start of a line.
  const reports = JSON.parse(`[${stdout.trim().replace(/\n\}\{\n/g, "\n},{\n")}]`) as Array<{
    problems: Array<{ ruleId: string }>;
  }>;
  expect(reports).toHaveLength(files.length);
  return reports.map((report) => report.problems.map((problem) => problem.ruleId));
}

/** The rule codes Spectral (spectral:oas, the repository's ruleset) reports for each file. */
async function spectralRules(files: string[]): Promise<string[][]> {
  const cli = require.resolve("@stoplight/spectral-cli/dist/index.js");
  const ruleset = join(root, ".spectral.yaml");
  const args = [cli, "lint", ...files, "--ruleset", ruleset, "--format", "json", "--quiet"];
  const { stdout } = await execFileAsync(process.execPath, args, {
    env: { ...process.env, SCARF_ANALYTICS: "false", DO_NOT_TRACK: "1" },
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout: string }) => error);
  const results = JSON.parse(stdout) as Array<{ code: string; source: string }>;
  return files.map((file) =>
    results.filter((result) => result.source === file).map((result) => `spectral/${result.code}`),
  );
}

test("a warning alone fails the gate", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lint-config-"));
  const config = join(dir, "redocly.yaml");
  writeFileSync(config, "extends: [minimal]\nrules:\n  operation-summary: warn\n");
  const spec = fresh();
  delete remove(spec).summary;
  const run = await lint(spec, { config, only: "redocly" });
  expect(run.stdout).toMatch(/0 error\(s\), 1 warning\(s\)/);
  expect(run.status).toBe(1);
});
