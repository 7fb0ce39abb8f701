import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const run = promisify(execFile);
const attwBin = fileURLToPath(new URL("../node_modules/.bin/attw", import.meta.url));

/** What a published package would look like, and what publint and attw say about it. */
export interface PackageCheck {
  /** The tarball `pnpm pack` made: what `pnpm publish` would upload. */
  tarball: string;
  /** Paths inside the tarball, relative to its `package/` folder. */
  files: string[];
  /** publint messages at every level (suggestions included), formatted. Empty when clean. */
  publint: string[];
  /** attw's verdict under the `esm-only` profile (these packages ship ESM only). */
  attw: { ok: boolean; report: string };
}

/** The command that runs pnpm: the one running these tests when there is one. */
function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  return execPath?.includes("pnpm") ? [process.execPath, [execPath]] : ["pnpm", []];
}

const checked = new Map<string, Promise<PackageCheck>>();

/**
 * Packs `packageDir` with pnpm (as publishing would) and runs publint and attw on the tarball.
 * Once per package in a test file: the tests that look at the same tarball share one check.
 */
export function checkPackage(packageDir: string): Promise<PackageCheck> {
  const key = resolve(packageDir);
  let check = checked.get(key);
  if (check === undefined) {
    check = packAndCheck(key);
    checked.set(key, check);
  }
  return check;
}

async function packAndCheck(packageDir: string): Promise<PackageCheck> {
  const destination = mkdtempSync(join(tmpdir(), "xsiam-pack-"));
  const [command, prefix] = pnpmCommand();
  const { stdout } = await run(command, [...prefix, "pack", "--pack-destination", destination, "--json"], {
    cwd: packageDir,
  });
  const packed = JSON.parse(stdout) as { filename: string; files: Array<{ path: string }> };
  const tarball = readFileSync(packed.filename);

  const lint = await publint({
    pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
    level: "suggestion",
    strict: true,
  });
  const publintMessages = lint.messages.map(
    (message) => formatMessage(message, lint.pkg, { color: false }) ?? "",
  );

  // Data files in `exports` (the client's openapi.yaml) are no modules: attw has nothing to check
  // there. The manifest is the packed one, as publint read it from the tarball.
  const exports = (lint.pkg as { exports?: Record<string, unknown> }).exports;
  const dataEntrypoints = Object.entries(exports ?? {})
    .filter(([, target]) => typeof target === "string" && !/\.(?:[cm]?js|json)$/.test(target))
    .map(([entrypoint]) => entrypoint);
  const exclude = dataEntrypoints.length > 0 ? ["--exclude-entrypoints", ...dataEntrypoints] : [];
  const attw = await run(attwBin, [packed.filename, "--profile", "esm-only", "--no-color", ...exclude]).then(
    ({ stdout: report }) => ({ ok: true, report }),
    (error: { stdout?: string; stderr?: string }) => ({
      ok: false,
      report: `${error.stdout ?? ""}${error.stderr ?? ""}`,
    }),
  );

  return {
    tarball: packed.filename,
    files: packed.files.map((file) => file.path).sort(),
    publint: publintMessages,
    attw,
  };
}

/**
 * Asserts what every published package must satisfy: publint (suggestions included) and attw
 * (esm-only profile) find nothing, and the tarball has the README, the entry point and its types
 * and no test files. Returns the check for further assertions.
 */
export async function expectPublishable(packageDir: string): Promise<PackageCheck> {
  const { expect } = await import("vitest");
  const check = await checkPackage(packageDir);
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  expect(manifest).toMatchObject({
    type: "module",
    sideEffects: false,
    license: "MIT",
    engines: { node: expect.stringMatching(/^>=20/) },
    repository: { type: "git", url: expect.stringContaining("github.com"), directory: expect.any(String) },
    publishConfig: { access: "public" },
  });
  expect(manifest.name).toMatch(/^@xsiam-sdk\//);
  expect(manifest.files).toContain("dist");
  expect(Object.keys(manifest.exports["."])[0]).toBe("types");
  expect(check.publint).toEqual([]);
  expect(check.attw.ok, check.attw.report).toBe(true);
  expect(check.files).toEqual(
    expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts"]),
  );
  expect(check.files.filter((file) => /(^|\/)test\/|\.test(-d)?\.ts$/.test(file))).toEqual([]);
  return check;
}
