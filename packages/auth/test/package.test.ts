import { fileURLToPath } from "node:url";
import { checkPackage } from "@xsiam-sdk/test-support";
import { expect, test } from "vitest";

test("the published tarball is publint and attw clean and ships only what users need", async () => {
  const check = await checkPackage(fileURLToPath(new URL("..", import.meta.url)));
  expect(check.publint).toEqual([]);
  expect(check.attw.ok, check.attw.report).toBe(true);
  expect(check.files).toEqual(
    expect.arrayContaining(["README.md", "package.json", "dist/index.js", "dist/index.d.ts"]),
  );
  expect(check.files).toContain("dist/internal/crypto-node.js");
  expect(check.files).toContain("dist/internal/crypto-web.js");
  expect(check.files.filter((file) => /(^|\/)test\/|\.test\./.test(file))).toEqual([]);
}, 60_000);
