#!/usr/bin/env node
// Generates src/generated/openapi.ts from the OpenAPI spec with openapi-typescript (types only),
// src/generated/spec-values.ts with the values the client checks at run time (operation ids and
// paths, the security levels, each list filter's operators), and puts beside them a byte-for-byte
// copy of the spec they were generated from (openapi.yaml), which the package ships as
// `@xsiam-sdk/client/openapi.yaml`. All are committed and never formatted afterwards, so `--check`
// can compare bytes.
//
//   node scripts/generate.mjs                 write the file
//   node scripts/generate.mjs --check         exit 1 if the committed file differs from what the spec generates
//   --spec <file> --out <file>                other paths (the drift test uses temporary copies)
//
// The drift test calls generateClientFiles() itself, rather than this script once per case.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import { parse } from "yaml";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const defaultSpec = () => createRequire(import.meta.url).resolve("@xsiam-sdk/spec/openapi.yaml");
const defaultOut = resolve(packageDir, "src/generated/openapi.ts");

/**
 * Writes the generated files beside `out` (or, with `check`, compares them with what is there).
 * Exit status 0 or 1 and what the script prints.
 */
export async function generateClientFiles({
  spec: specPath = defaultSpec(),
  out = defaultOut,
  check = false,
} = {}) {
  const specFile = resolve(specPath);
  const outFile = resolve(out);
  const ast = await openapiTS(pathToFileURL(specFile), {
    rootTypes: true,
    emptyObjectsUnknown: true,
    silent: true,
  });
  const generated = `${COMMENT_HEADER}${astToString(ast)}`;
  const spec = await readFile(specFile);
  const specCopy = join(dirname(outFile), "openapi.yaml");
  const valuesFile = join(dirname(outFile), "spec-values.ts");
  const values = specValues(parse(spec.toString("utf8")));

  if (!check) {
    await mkdir(dirname(outFile), { recursive: true });
    await writeFile(outFile, generated);
    await writeFile(valuesFile, values);
    await writeFile(specCopy, spec);
    return {
      status: 0,
      stdout: `generated ${relative(process.cwd(), outFile)} from ${relative(process.cwd(), specFile)}\n`,
      stderr: "",
    };
  }

  const committed = await readFile(outFile, "utf8").catch(() => undefined);
  const committedValues = await readFile(valuesFile, "utf8").catch(() => undefined);
  const copied = await readFile(specCopy).catch(() => undefined);
  if (committed === generated && committedValues === values && copied?.equals(spec)) {
    return {
      status: 0,
      stdout: `${relative(process.cwd(), outFile)} is up to date with ${relative(process.cwd(), specFile)}\n`,
      stderr: "",
    };
  }
  const stderr =
    committed === undefined
      ? `${outFile} is missing; run \`pnpm generate\`\n`
      : committed !== generated
        ? `${outFile} differs from what ${specFile} generates; run \`pnpm generate\` and commit the result\n`
        : committedValues !== values
          ? `${valuesFile} differs from what ${specFile} generates; run \`pnpm generate\` and commit the result\n`
          : `${specCopy} is not a copy of ${specFile}; run \`pnpm generate\` and commit the result\n`;
  return { status: 1, stdout: "", stderr };
}

/** The values the client checks at run time, as a TypeScript module. */
function specValues(document) {
  const operations = {};
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (operation?.operationId) operations[operation.operationId] = { path, method: method.toUpperCase() };
    }
  }
  const schemas = document.components.schemas;
  const levels = schemas.SecurityLevel.enum;
  const filters = {};
  for (const branch of schemas.ApiKeyFilter.oneOf) {
    const schema = schemas[branch.$ref.split("/").pop()];
    for (const field of schema.properties.field.enum) filters[field] = schema.properties.operator.enum;
  }
  const literal = (value) => JSON.stringify(value, null, 2);
  return `// Generated from spec/openapi.yaml by scripts/generate.mjs: never edit by hand (\`pnpm generate\`).
// The values the client checks and sends at run time, so that a spec edit reaches them.

/** Every operation of the spec: its path and method. */
export const OPERATIONS = ${literal(operations)} as const;

/** The spec's operation ids. */
export type OperationId = keyof typeof OPERATIONS;

/** The security levels a key can have (\`SecurityLevel\`). */
export const SECURITY_LEVELS = ${literal(levels)} as const;

/** The fields a list filter can test, each with its operators (\`ApiKeyFilter\`). */
export const FILTER_OPERATORS = ${literal(filters)} as const;
`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      check: { type: "boolean", default: false },
      spec: { type: "string" },
      out: { type: "string" },
    },
  });
  const result = await generateClientFiles({
    check: values.check,
    ...(values.spec === undefined ? {} : { spec: values.spec }),
    ...(values.out === undefined ? {} : { out: values.out }),
  });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.status);
}
