import { fileURLToPath } from "node:url";
import { expectPublishable } from "@xsiam-sdk/test-support";
import { expect, test } from "vitest";

test("the published tarball is publint and attw clean and ships the bin", async () => {
  const { files } = await expectPublishable(fileURLToPath(new URL("..", import.meta.url)));
  expect(files).toEqual(
    expect.arrayContaining(["bin/xsiam-mcp.js", "dist/bin.js", "dist/index.js", "dist/index.d.ts"]),
  );
}, 60_000);
