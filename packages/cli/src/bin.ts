#!/usr/bin/env node
// xsiam-keys. Kept tiny: `--version` answers before anything else is loaded, so that the tool
// starts about as fast as node itself; every command lives in index.js.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${version}\n`);
} else {
  const { main } = await import("./index.js");
  process.exitCode = await main(args);
}
