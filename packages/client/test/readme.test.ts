// The README's examples, as written: every TypeScript block type-checks against the built
// package, and every block that reads its connection from the environment runs against the mock.
// The spec's TypeScript code samples, which the API reference shows, type-check the same way.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type PrismContext, specFile } from "@xsiam-sdk/test-support";
import { describe, expect, expectTypeOf, inject, test } from "vitest";
import { parse } from "yaml";
import type { XsiamClientOptions } from "../src/index.js";

const run = promisify(execFile);
const prismUrl: PrismContext["prismUrl"] = inject("prismUrl");
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(join(packageDir, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

/** A folder outside the workspace where `@xsiam-sdk/client` resolves to this package, as installed. */
function consumerDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "readme-"));
  mkdirSync(join(dir, "node_modules/@xsiam-sdk"), { recursive: true });
  mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
  symlinkSync(packageDir, join(dir, "node_modules/@xsiam-sdk/client"));
  symlinkSync(join(packageDir, "node_modules/@types/node"), join(dir, "node_modules/@types/node"));
  return dir;
}

test("the README has its six examples", () => {
  expect(blocks).toHaveLength(6);
});

/** Type-checks each source as its own module of a consumer's project; resolves when all pass. */
function typeCheck(sources: ReadonlyArray<[name: string, code: string]>) {
  const dir = consumerDir();
  const files = sources.map(([name, code]) => {
    const file = join(dir, `${name}.mts`);
    writeFileSync(file, code);
    return file;
  });
  const tsc = join(packageDir, "node_modules/typescript/bin/tsc");
  const options = ["--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--types", "node"];
  return run(process.execPath, [tsc, ...options, ...files], { cwd: dir });
}

type CodeSample = { lang: string; label: string; source: string };
type Operation = { operationId: string; "x-codeSamples"?: CodeSample[] };

// One compiler run for both (it is most of this file's time): the README's examples, and the
// TypeScript code samples the API reference shows.
test("every example of the README and every TypeScript sample of the spec type-checks as a consumer would compile it", async () => {
  const spec = parse(readFileSync(specFile, "utf8")) as {
    paths: Record<string, Record<string, Operation>>;
  };
  const samples = Object.values(spec.paths)
    .flatMap((methods) => Object.values(methods))
    .flatMap((operation) => operation["x-codeSamples"] ?? [])
    .filter((sample) => sample.lang === "TypeScript");
  // One per operation: generate, list and delete.
  expect(samples.map((sample) => sample.label)).toEqual(Array(3).fill("@xsiam-sdk/client"));
  await expect(
    typeCheck([
      ...blocks.map((code, index): [string, string] => [`example-${index}`, code]),
      ...samples.map((sample, index): [string, string] => [`sample-${index}`, sample.source]),
    ]),
  ).resolves.toBeDefined();
}, 60_000);

describe("examples that read the environment run against the mock", () => {
  const env = {
    ...process.env,
    XSIAM_BASE_URL: prismUrl,
    XSIAM_API_KEY: "readme-example-key",
    XSIAM_API_KEY_ID: "2841",
    XSIAM_SECURITY_LEVEL: "advanced",
  };
  const runnable = blocks
    .map((code, index) => [index, code] as const)
    .filter(([, code]) => code.includes("createXsiamClientFromEnv()"));

  test("two of them do", () => {
    expect(runnable.map(([index]) => index)).toEqual([0, 2]);
  });

  test.each([
    [
      0,
      "created key 4267 (61 characters)\nkey 85: advanced, expires 2026-09-21T14:13:20.000Z\ndeleted 1 key(s)\n",
    ],
    [2, "200 1\n"],
  ])("example %i", async (index, output) => {
    const dir = consumerDir();
    const file = join(dir, `example-${index}.mjs`);
    writeFileSync(file, blocks[index] ?? "");
    const { stdout } = await run(process.execPath, [file], { env, cwd: dir });
    expect(stdout).toBe(output);
  });
});

/** The README's section under the heading `## name`, up to the next `## ` heading. */
function section(name: string): string {
  const start = readme.indexOf(`## ${name}\n`);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

test("the error table names every exported error class", async () => {
  const exported = Object.keys(await import("../src/index.js")).filter((name) =>
    /^Xsiam\w*Error$/.test(name),
  );
  expect(exported.length).toBeGreaterThanOrEqual(7);
  const table = section("Errors");
  for (const name of exported) expect(table, name).toContain(`| \`${name}\``);
});

// Every option of createXsiamClient; the type test below keeps this list equal to the options type.
const OPTIONS = [
  "fqdn",
  "baseUrl",
  "apiKey",
  "apiKeyId",
  "securityLevel",
  "childTenantId",
  "now",
  "randomBytes",
  "fetch",
  "rateLimit",
  "logger",
  "onRequest",
  "onResponse",
  "timeoutMs",
  "maxRetries",
  "retryBaseDelayMs",
  "maxRetryDelayMs",
  "reconcileGenerate",
  "settleMs",
  "clock",
] as const;

test("the options table names every option a caller sets", () => {
  expectTypeOf<(typeof OPTIONS)[number]>().toEqualTypeOf<keyof XsiamClientOptions>();
  const table = section("Options");
  // now and randomBytes exist for deterministic tests of signing; @xsiam-sdk/auth documents them.
  for (const name of OPTIONS.filter((option) => option !== "now" && option !== "randomBytes")) {
    expect(table, name).toContain(`\`${name}\``);
  }
});
