import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkPackage, expectPublishable, specFile } from "@xsiam-sdk/test-support";
import { expect, test } from "vitest";

test("the published tarball is publint and attw clean and ships the generated types", async () => {
  const { files } = await expectPublishable(fileURLToPath(new URL("..", import.meta.url)));
  expect(files).toEqual(expect.arrayContaining(["dist/generated/openapi.d.ts", "src/generated/openapi.ts"]));
}, 60_000);

test("the tarball ships the exact spec its types were generated from, as @xsiam-sdk/client/openapi.yaml", async () => {
  const { tarball } = await checkPackage(fileURLToPath(new URL("..", import.meta.url)));
  const dir = mkdtempSync(join(tmpdir(), "client-tarball-"));
  execFileSync("tar", ["-xzf", tarball, "-C", dir]);
  const manifest = JSON.parse(readFileSync(join(dir, "package/package.json"), "utf8"));
  expect(manifest.exports["./openapi.yaml"]).toBe("./src/generated/openapi.yaml");
  const shipped = readFileSync(join(dir, "package", manifest.exports["./openapi.yaml"]));
  expect(shipped.equals(readFileSync(specFile))).toBe(true);
  // And it resolves by that name, as another generator would ask for it.
  const require = createRequire(fileURLToPath(import.meta.url));
  expect(readFileSync(require.resolve("@xsiam-sdk/client/openapi.yaml")).equals(shipped)).toBe(true);
}, 60_000);
