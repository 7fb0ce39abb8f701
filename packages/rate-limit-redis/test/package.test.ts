import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expectPublishable } from "@xsiam-sdk/test-support";
import { expect, test } from "vitest";

test("the published tarball is publint and attw clean, with redis as a peer", async () => {
  const dir = fileURLToPath(new URL("..", import.meta.url));
  await expectPublishable(dir);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  expect(manifest.peerDependencies).toEqual({ redis: "^6.0.0" });
  expect(manifest.dependencies).not.toHaveProperty("redis");
}, 60_000);
