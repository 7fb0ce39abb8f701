#!/usr/bin/env node
// Run by `pnpm version-packages` after `changeset version`: when @xsiam-sdk/client's version has
// changed, the spec as it is now is the spec of that release, and becomes the baseline that
// `check:spec-compat` compares with. Otherwise the baseline stays.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const spec = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(spec, "..");
const record = join(spec, "baseline/release.json");
const { version } = JSON.parse(readFileSync(join(root, "packages/client/package.json"), "utf8"));
const released = JSON.parse(readFileSync(record, "utf8"))["@xsiam-sdk/client"];
if (version === released) {
  process.stdout.write(`spec baseline: @xsiam-sdk/client is still ${version}; the baseline stays\n`);
} else {
  copyFileSync(join(spec, "openapi.yaml"), join(spec, "baseline/openapi.yaml"));
  writeFileSync(record, `${JSON.stringify({ "@xsiam-sdk/client": version }, null, 2)}\n`);
  process.stdout.write(`spec baseline: the spec of @xsiam-sdk/client ${version} (was ${released})\n`);
}
