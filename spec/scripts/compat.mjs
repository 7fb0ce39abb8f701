#!/usr/bin/env node
// `pnpm check:spec-compat`: a change to spec/openapi.yaml that can break users of @xsiam-sdk/client
// needs a major changeset. Compares the spec with the spec of the last release (baseline/), with
// `redocly diff` and the project's own rules on top, and reads the pending changesets.
//
//   node scripts/compat.mjs [--root DIR]
//
// Exits 1 when a breaking change is not covered by a pending changeset that bumps
// @xsiam-sdk/client by a major version: it names each change in words and prints a Markdown
// summary for the changeset. Otherwise exits 0; when the client's types would change, it asks
// for a minor or patch changeset.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { redoclyJson } from "./redocly.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { root: { type: "string", default: join(here, "..", "..") } } });
const root = resolve(values.root);
const specFile = join(root, "spec/openapi.yaml");
const baselineFile = join(root, "spec/baseline/openapi.yaml");
const configFile = join(root, "redocly.yaml");
const CLIENT = "@xsiam-sdk/client";
const RANK = { none: 0, patch: 1, minor: 2, major: 3 };

/** The component schemas and responses reachable from any response of `spec`, following $ref. */
function inResponses(spec) {
  const reached = new Set();
  const visit = (node) => {
    if (typeof node !== "object" || node === null) return;
    const target =
      typeof node.$ref === "string" ? /^#\/components\/(schemas|responses)\/([^/]+)$/.exec(node.$ref) : null;
    if (target && !reached.has(`${target[1]}/${target[2]}`)) {
      reached.add(`${target[1]}/${target[2]}`);
      visit(spec.components?.[target[1]]?.[target[2]]);
    }
    for (const value of Object.values(node)) visit(value);
  };
  for (const item of Object.values(spec.paths ?? {}))
    for (const operation of Object.values(item ?? {})) visit(operation?.responses);
  return reached;
}

/** The component schema a pointer is in, e.g. `SecurityLevel` for `#/components/schemas/SecurityLevel/enum`. */
const componentOf = (pointer) => /^#\/components\/schemas\/([^/]+)/.exec(pointer ?? "")?.[1];

/**
 * The project's own rules, where redocly's classification does not fit users of this client. Each
 * takes a change and one of its verdicts, and returns the impact the change has for them, or
 * undefined to keep redocly's. (Redocly already tells requests from replies: a value added to an
 * enum only requests use is a patch, one replies use too is major.)
 */
const PROJECT_RULES = [
  {
    id: "error-response-removed",
    // Every error status comes back as the same XsiamApiError (status, errCode, errMsg…), and every
    // error response has the one ErrorResponse envelope, so the generated `error` type does not
    // change either: documenting one error status fewer breaks no caller.
    impact(change, verdict) {
      if (verdict.ruleId !== "response-removed") return undefined;
      const status = Number(/\/responses\/(\d{3})$/.exec(change.path)?.[1]);
      const schema = change.base?.value?.content?.["application/json"]?.schema?.$ref;
      return status >= 400 && schema === "#/components/schemas/ErrorResponse" ? "patch" : undefined;
    },
  },
];

function decode(segment) {
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** Where a change is: its operation, request or response, and field, from its JSON pointer. */
function placeOf(path, spec) {
  const segments = path.replace(/^#\//, "").split("/").map(decode);
  const place = { operation: undefined, side: undefined, field: [] };
  if (segments[0] === "paths" && segments[1]) {
    const method = segments[2];
    place.operation = (method && spec.paths?.[segments[1]]?.[method]?.operationId) ?? segments[1];
    const rest = segments.slice(3);
    if (rest[0] === "requestBody") place.side = "request";
    else if (rest[0] === "responses") place.side = `response ${rest[1]}`;
    else if (rest[0] === "parameters") place.side = "parameter";
    for (let index = 0; index < rest.length; index++)
      if (rest[index] === "properties" && rest[index + 1]) place.field.push(rest[index + 1]);
  }
  return place;
}

/** A change, in words, e.g. "operation deleteApiKeys removed" or "request enum security_level lost standard". */
function words(change, verdict, base, revision) {
  const place = placeOf(change.path, change.kind === "removed" ? base : revision);
  const field = place.field.join(".");
  const of = place.operation ? ` (${place.operation})` : "";
  const side = place.side ?? "schema";
  // The values of one side's list that the other side's lacks (enum values, required names).
  const values = (value) => (Array.isArray(value) ? value : []);
  const lacking = (from, other) => values(from).filter((value) => !values(other).includes(value));
  const lost = lacking(change.base?.value, change.revision?.value);
  const gained = lacking(change.revision?.value, change.base?.value);
  const eachField = (names, what) =>
    names.map((name) => `${side} field ${[...place.field, name].join(".")} ${what}${of}`).join("; ");
  switch (verdict.ruleId) {
    case "path-removed": {
      const operations = Object.values(change.base?.value ?? {})
        .map((operation) => operation?.operationId)
        .filter(Boolean);
      return operations.length > 0
        ? operations.map((id) => `operation ${id} removed`).join("; ")
        : `path ${place.operation} removed`;
    }
    case "operation-removed":
      return `operation ${change.base?.value?.operationId ?? place.operation} removed`;
    case "enum-values-removed":
      return `${side} enum ${field || "value"} lost ${lost.join(", ")}${of}`;
    case "enum-values-added": {
      const component = componentOf(verdict.location?.pointer);
      if (component && inResponses(revision).has(`schemas/${component}`)) {
        return `enum ${component} gained ${gained.join(", ")}, and replies use it (as well as ${side} ${field || "value"}${of})`;
      }
      return `${side} enum ${field || "value"} gained ${gained.join(", ")}${of}`;
    }
    case "required-properties-added":
      return eachField(gained, "became required");
    case "required-properties-removed":
      return eachField(lost, "is no longer always there");
    case "response-removed":
      return `${place.side ?? "response"} of ${place.operation} removed`;
    case undefined:
      // A change without a verdict: something added, or a description, an example, a sample.
      if (
        change.path.startsWith("#/paths/") &&
        change.path.split("/").length === 3 &&
        change.kind === "added"
      ) {
        const operations = Object.values(change.revision?.value ?? {})
          .map((operation) => operation?.operationId)
          .filter(Boolean);
        return operations.map((id) => `operation ${id} added`).join("; ") || `${place.operation} added`;
      }
      if (field) return `${side} field ${field} ${change.kind}${of}`;
      return `${change.path.replace(/^#\//, "").split("/").map(decode).join(" ")} ${change.kind}`;
    default:
      if (change.kind === "removed" && field) return `${side} field ${field} removed${of}`;
      return `${place.side ? `${place.side} ` : ""}${field ? `${field}: ` : ""}${verdict.message.replaceAll("`", "")}${of}`;
  }
}

/** The bump pending changesets give the client: the highest one, or "none". */
function pendingBump(changesetDir) {
  if (!existsSync(changesetDir)) return "none";
  let bump = "none";
  for (const file of readdirSync(changesetDir)) {
    if (!file.endsWith(".md") || file === "README.md") continue;
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(changesetDir, file), "utf8"))?.[1] ?? "";
    for (const line of front.split("\n")) {
      const match = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
      if (match?.[1] === CLIENT && RANK[match[2]] > RANK[bump]) bump = match[2];
    }
  }
  return bump;
}

function main() {
  if (!existsSync(baselineFile)) {
    process.stderr.write(
      `check:spec-compat: ${baselineFile} is missing: it holds the spec of the last release\n`,
    );
    return 1;
  }
  const [baseText, revisionText] = [readFileSync(baselineFile, "utf8"), readFileSync(specFile, "utf8")];
  if (baseText === revisionText) {
    process.stdout.write("check:spec-compat: spec/openapi.yaml is the spec of the last release\n");
    return 0;
  }
  // The repository's redocly.yaml, wherever this runs from: it turns on the diff rules.
  const { report, stderr } = redoclyJson("diff", [baselineFile, specFile, "--fail-on", "none"], configFile);
  if (report === undefined) {
    process.stderr.write(`check:spec-compat: redocly diff failed:\n${stderr}\n`);
    return 1;
  }
  const [base, revision] = [parse(baseText), parse(revisionText)];
  const changes = [];
  for (const change of report.changes) {
    const verdicts =
      change.verdicts.length > 0
        ? change.verdicts
        : [{ ruleId: undefined, impact: change.impact, message: `${change.kind} ${change.property ?? ""}` }];
    for (const verdict of verdicts) {
      // The first project rule that has a say overrides redocly's impact.
      const own = PROJECT_RULES.map((rule) => rule.impact(change, verdict)).find(
        (impact) => impact !== undefined,
      );
      changes.push({ impact: own ?? verdict.impact, text: words(change, verdict, base, revision) });
    }
  }
  const bump = changes.reduce(
    (highest, change) => (RANK[change.impact] > RANK[highest] ? change.impact : highest),
    "none",
  );
  const pending = pendingBump(join(root, ".changeset"));
  const breaking = [
    ...new Set(changes.filter((change) => change.impact === "major").map((change) => change.text)),
  ];
  const out = (text) => process.stdout.write(`${text}\n`);
  out(
    `check:spec-compat: ${changes.length} change(s) to spec/openapi.yaml since the last release; the largest needs a ${bump} bump; pending changesets bump ${CLIENT}: ${pending}`,
  );
  if (breaking.length > 0 && pending !== "major") {
    process.stderr.write(
      `\ncheck:spec-compat: these changes can break users of ${CLIENT}, and no pending changeset bumps it by a major version:\n${breaking.map((text) => `  - ${text}`).join("\n")}\n`,
    );
    out(`\nAdd a changeset (\`pnpm changeset\`, ${CLIENT}: major) with this summary:\n`);
    out(
      `---\n"${CLIENT}": major\n---\n\nBreaking changes to the API (spec/openapi.yaml) since the last release:\n\n${breaking.map((text) => `- ${text}`).join("\n")}`,
    );
    return 1;
  }
  if (breaking.length > 0)
    out(
      `Breaking changes, covered by a major changeset:\n${breaking.map((text) => `  - ${text}`).join("\n")}`,
    );
  else if (RANK[bump] >= RANK.minor && pending === "none") {
    out(
      `The client's types change with this (${changes
        .filter((change) => change.impact === "minor")
        .map((change) => change.text)
        .join("; ")}): add a minor or patch changeset for ${CLIENT} (\`pnpm changeset\`).`,
    );
  }
  return 0;
}

process.exitCode = main();
