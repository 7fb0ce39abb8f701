#!/usr/bin/env node
// Builds a published package into dist/: declarations with tsc (one .d.ts per source file, for
// the types), and the JavaScript with esbuild, bundled into one file per entry point. One file
// instead of one per source module makes `import` faster (`pnpm bench`, start-up, measures it).
// A dynamic `import()` stays a chunk of its own (dist/chunks/), loaded only when it runs: code
// that few programs use (rotation) costs them neither bytes nor start-up.
//   node ../../scripts/build-package.mjs <entry.ts>... [--external <specifier>]... [--platform node]
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values, positionals: entryPoints } = parseArgs({
  options: {
    external: { type: "string", multiple: true, default: [] },
    // "neutral" for packages that run everywhere; "node" for Node-only ones (node: built-ins external).
    platform: { type: "string", default: "neutral" },
  },
  allowPositionals: true,
});
// The tools come from the package being built, as its own scripts would find them.
const require = createRequire(`${process.cwd()}/package.json`);
const { build } = require("esbuild");

rmSync("dist", { recursive: true, force: true });
execFileSync(
  process.execPath,
  // --noCheck: the declarations only; the package's typecheck task checks the same sources (and
  // its tests) with the same settings, so checking them here too was the same work twice.
  [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--emitDeclarationOnly", "--noCheck"],
  {
    stdio: "inherit",
  },
);
await build({
  entryPoints,
  outbase: "src",
  outdir: "dist",
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  platform: values.platform,
  target: "es2022",
  external: values.external,
  sourcemap: true,
  // The maps point at src/, which is published too, rather than carrying a second copy of it.
  sourcesContent: false,
  logLevel: "warning",
  // The client's lazy modules import its entry only for the order of its own chunks (see below):
  // that the import binds nothing is the point, not a mistake to warn about.
  logOverride: { "ignored-bare-import": "silent" },
});

// A bare `import "./chunk-….js"` (esbuild writes one where a module imports another only for its
// order, as the client's lazy modules do) imports nothing: in a package whose sideEffects is false,
// an app's bundler drops it and warns ("ignored-bare-import"). Taken out here, so that a consumer's
// build is quiet; the line stays, empty, so that the source maps keep their lines.
const manifest = JSON.parse(readFileSync("package.json", "utf8"));
if (manifest.sideEffects === false) {
  for (const file of readdirSync("dist", { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".js")) continue;
    const path = join("dist", file);
    const code = readFileSync(path, "utf8");
    const quiet = code.replace(/^import "\.\.?\/(?:chunks\/)?chunk-[\w-]+\.js";$/gm, "");
    if (quiet !== code) writeFileSync(path, quiet);
  }
}
