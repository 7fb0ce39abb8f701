#!/usr/bin/env node
// Builds the API reference: one self-contained HTML page (Redoc inlined, no CDN, no web fonts)
// from spec/openapi.yaml into dist/index.html. template.hbs adds a Content-Security-Policy that
// forbids any network load, so a page that would need the network is broken, not silently online.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const specFile = require.resolve("@xsiam-sdk/spec/openapi.yaml");
const redocly = require.resolve("@redocly/cli/bin/cli.js");
const output = fileURLToPath(new URL("../dist/index.html", import.meta.url));
const template = fileURLToPath(new URL("../template.hbs", import.meta.url));

mkdirSync(fileURLToPath(new URL("../dist", import.meta.url)), { recursive: true });

// The commands and exit codes of xsiam-keys are written in one place, the CLI's own help: the
// spec's "Command line" section has a placeholder, filled here from `xsiam-keys --help`, so that a
// CLI change needs no spec edit. The page is built from a copy of the spec with it filled in.
const PLACEHOLDER = "<!-- xsiam-keys: the commands and exit codes, from `xsiam-keys --help` -->";
const cliDir = dirname(require.resolve("@xsiam-sdk/cli/package.json"));
const cliBin = join(cliDir, JSON.parse(readFileSync(join(cliDir, "package.json"), "utf8")).bin["xsiam-keys"]);
const help = spawnSync(process.execPath, [cliBin, "--help"], {
  encoding: "utf8",
  env: { ...process.env, NO_COLOR: "1" },
});
if (help.status !== 0) {
  process.stderr.write(`docs: xsiam-keys --help failed: ${help.stderr}\n`);
  process.exit(1);
}
/** The lines of the help's block under `title`, up to the next blank line. */
const block = (title) => {
  const lines = help.stdout.split("\n");
  const start = lines.indexOf(title);
  const end = lines.indexOf("", start);
  if (start === -1 || end === -1) {
    process.stderr.write(`docs: xsiam-keys --help has no "${title}" block; update scripts/build.mjs\n`);
    process.exit(1);
  }
  return lines.slice(start + 1, end);
};
const cell = (text) => text.trim().replaceAll("|", "\\|");
// "  check                     authenticate, …": a command, then its description after two spaces.
const commands = block("Commands:").map((line) => {
  const [, command = "", what = ""] = /^\s+(\S.*?)\s{2,}(\S.*)$/.exec(line) ?? [];
  return `| \`xsiam-keys ${cell(command)}\` | ${cell(what)} |`;
});
// "  0  success", with lines of a code's description that go on indented further.
const exits = [];
for (const line of block("Exit codes:")) {
  const code = /^\s{2}(\d[\d, ]*?)\s{2}(\S.*)$/.exec(line);
  if (code) exits.push([code[1], code[2]]);
  else if (exits.length > 0) exits[exits.length - 1][1] += ` ${line.trim()}`;
}
const section = [
  "| Command | What it does |",
  "| --- | --- |",
  ...commands,
  "",
  "| Exit code | Meaning |",
  "| --- | --- |",
  ...exits.map(([code, meaning]) => `| ${cell(code)} | ${cell(meaning)} |`),
].join("\n    ");
const specText = readFileSync(specFile, "utf8");
if (specText.split(PLACEHOLDER).length !== 2) {
  process.stderr.write(`docs: spec/openapi.yaml must hold the placeholder once: ${PLACEHOLDER}\n`);
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), "xsiam-docs-"));
const spec = join(work, "openapi.yaml");
writeFileSync(spec, specText.replace(PLACEHOLDER, section));
const build = spawnSync(
  process.execPath,
  [
    redocly,
    "build-docs",
    spec,
    "--output",
    output,
    "--inlineBundle",
    "--template",
    template,
    "--title",
    "Cortex XSIAM API Keys: API reference",
    // Redoc options: everything expanded, schemas and JSON samples (a three-endpoint API reads
    // best fully open), and the x-codeSamples of the spec (@xsiam-sdk/client, curl) offered next
    // to the payload.
    "--openapi",
    fileURLToPath(new URL("../redoc.json", import.meta.url)),
    "--lint-config=error",
  ],
  {
    stdio: ["ignore", "inherit", "pipe"],
    encoding: "utf8",
    env: { ...process.env, REDOCLY_TELEMETRY: "off" },
  },
);
rmSync(work, { recursive: true, force: true });
if (build.status !== 0) {
  process.stderr.write(build.stderr);
  process.exit(build.status ?? 1);
}

// Redoc's sidebar badge loads the Redocly logo from its CDN, with no option to turn it off: point
// it at an empty inline image instead (the badge itself is hidden by template.hbs).
const EMPTY_IMAGE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E";
// Redoc 3 opens a tag's group in the sidebar only once one of its operations is visited, and has no
// option for it; with three operations, the group should be open from the start. Its sidebar items
// open when their `expanded` is "true": set it on the tag groups Redoc builds.
const TAG_GROUP = "n.push({type:`group`,label:d,link:i,routeSlug:i,items:f,";
const built = readFileSync(output, "utf8");
if (built.split(TAG_GROUP).length !== 2) {
  process.stderr.write(
    "docs: the sidebar's tag group code was not found once; update scripts/build.mjs for this Redoc version\n",
  );
  process.exit(1);
}
const html = built
  .replace(TAG_GROUP, `${TAG_GROUP}expanded:\`true\`,`)
  .replaceAll(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g, EMPTY_IMAGE);
if (html.includes("cdn.redoc.ly")) {
  process.stderr.write(
    "docs: the page still refers to cdn.redoc.ly; update scripts/build.mjs for this Redoc version\n",
  );
  process.exit(1);
}
writeFileSync(output, html);
process.stdout.write(`docs: ${output} (${Math.round(Buffer.byteLength(html) / 1024)} KiB, self-contained)\n`);
