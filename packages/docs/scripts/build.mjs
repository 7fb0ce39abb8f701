#!/usr/bin/env node
// Builds the API reference: one self-contained HTML page (Redoc inlined, no CDN, no web fonts)
// from spec/openapi.yaml into dist/index.html. template.hbs adds a Content-Security-Policy that
// forbids any network load, so a page that would need the network is broken, not silently online.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const spec = require.resolve("@xsiam-sdk/spec/openapi.yaml");
const redocly = require.resolve("@redocly/cli/bin/cli.js");
const output = fileURLToPath(new URL("../dist/index.html", import.meta.url));
const template = fileURLToPath(new URL("../template.hbs", import.meta.url));

mkdirSync(fileURLToPath(new URL("../dist", import.meta.url)), { recursive: true });
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
