import { fileURLToPath } from "node:url";
import { expectPublishable } from "@xsiam-sdk/test-support";
import { expect, test } from "vitest";

test("the published tarball is publint and attw clean and ships both crypto modules", async () => {
  const { files } = await expectPublishable(fileURLToPath(new URL("..", import.meta.url)));
  expect(files).toEqual(
    expect.arrayContaining(["dist/internal/crypto-node.js", "dist/internal/crypto-web.js"]),
  );
}, 60_000);
