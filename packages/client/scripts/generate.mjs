#!/usr/bin/env node
// Generates src/generated/openapi.ts from the OpenAPI spec with openapi-typescript (types only),
// and puts beside it a byte-for-byte copy of the spec it was generated from (openapi.yaml), which
// the package ships as `@xsiam-sdk/client/openapi.yaml`. Both are committed and never formatted
// afterwards, so `--check` can compare bytes.
//
//   node scripts/generate.mjs                 write the file
//   node scripts/generate.mjs --check         exit 1 if the committed file differs from what the spec generates
//   --spec <file> --out <file>                other paths (the drift test uses temporary copies)
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    check: { type: "boolean", default: false },
    spec: { type: "string", default: createRequire(import.meta.url).resolve("@xsiam-sdk/spec/openapi.yaml") },
    out: { type: "string", default: resolve(packageDir, "src/generated/openapi.ts") },
  },
});
const specFile = resolve(values.spec);
const outFile = resolve(values.out);

const ast = await openapiTS(pathToFileURL(specFile), {
  rootTypes: true,
  emptyObjectsUnknown: true,
  silent: true,
});
const generated = `${COMMENT_HEADER}${astToString(ast)}`;
const spec = await readFile(specFile);
const specCopy = join(dirname(outFile), "openapi.yaml");

if (!values.check) {
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, generated);
  await writeFile(specCopy, spec);
  process.stdout.write(
    `generated ${relative(process.cwd(), outFile)} from ${relative(process.cwd(), specFile)}\n`,
  );
  process.exit(0);
}

const committed = await readFile(outFile, "utf8").catch(() => undefined);
const copied = await readFile(specCopy).catch(() => undefined);
if (committed === generated && copied?.equals(spec)) {
  process.stdout.write(
    `${relative(process.cwd(), outFile)} is up to date with ${relative(process.cwd(), specFile)}\n`,
  );
  process.exit(0);
}
process.stderr.write(
  committed === undefined
    ? `${outFile} is missing; run \`pnpm generate\`\n`
    : committed !== generated
      ? `${outFile} differs from what ${specFile} generates; run \`pnpm generate\` and commit the result\n`
      : `${specCopy} is not a copy of ${specFile}; run \`pnpm generate\` and commit the result\n`,
);
process.exit(1);
