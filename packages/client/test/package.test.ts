import { fileURLToPath } from "node:url";
import { expectPublishable } from "@xsiam-sdk/test-support";
import { expect, test } from "vitest";

test("the published tarball is publint and attw clean and ships the generated types", async () => {
  const { files } = await expectPublishable(fileURLToPath(new URL("..", import.meta.url)));
  expect(files).toEqual(expect.arrayContaining(["dist/generated/openapi.d.ts", "src/generated/openapi.ts"]));
}, 60_000);
