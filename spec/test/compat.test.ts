// The compatibility gate (`pnpm check:spec-compat`), each case on a copy of the repository: a
// breaking edit of the spec fails until a pending changeset bumps @xsiam-sdk/client by a major
// version; edits that break nobody pass without one.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const script = fileURLToPath(new URL("../scripts/compat.mjs", import.meta.url));
const repository = fileURLToPath(new URL("../..", import.meta.url));
const redocly = fileURLToPath(new URL("../node_modules/@redocly/cli/bin/cli.js", import.meta.url));

/**
 * The repository's files (tracked, and untracked but not ignored), in a new folder, as just after a
 * release: without the pending changesets, so that each case brings its own, and with the spec as
 * it is now as the baseline, so that each case's edit is the only change (whatever the repository's
 * own spec has gained since its baseline).
 */
function copyOfRepository(): string {
  const copy = mkdtempSync(join(tmpdir(), "spec-compat-"));
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], {
    cwd: repository,
    encoding: "utf8",
  })
    .split("\0")
    .filter(Boolean);
  for (const file of files.filter((name) => !/^\.changeset\/(?!README\.md$).*\.md$/.test(name))) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    try {
      cpSync(join(repository, file), join(copy, file));
    } catch {
      // A file git lists that was deleted meanwhile.
    }
  }
  cpSync(join(copy, "spec/openapi.yaml"), join(copy, "spec/baseline/openapi.yaml"));
  return copy;
}

/** Edits the copy's spec, and runs the gate on the copy. */
function gate(copy: string, edit: (spec: string) => string) {
  const file = join(copy, "spec/openapi.yaml");
  const before = readFileSync(file, "utf8");
  const after = edit(before);
  expect(after, "the edit changed nothing").not.toBe(before);
  writeFileSync(file, after);
  // From the copy's root, where its redocly.yaml is: the lint config, which must also turn on the
  // diff rules, or redocly rates every change a patch.
  return spawnSync(process.execPath, [script, "--root", copy], { encoding: "utf8", cwd: copy });
}

const majorChangeset = (copy: string) =>
  writeFileSync(
    join(copy, ".changeset/break-the-api.md"),
    '---\n"@xsiam-sdk/client": major\n---\n\nBreaking.\n',
  );

const BREAKING: Array<[string, (spec: string) => string, string]> = [
  [
    "removing an operation",
    (spec) =>
      spec.slice(0, spec.indexOf("  /public_api/v1/api_keys/delete:\n")) +
      spec.slice(spec.indexOf("components:\n")),
    "operation deleteApiKeys removed",
  ],
  [
    "narrowing a request enum",
    (spec) =>
      spec.replace(
        "      enum:\n        - advanced\n        - standard\n",
        "      enum:\n        - advanced\n",
      ),
    "request enum request_data.security_level lost standard (generateApiKey)",
  ],
  [
    "making a request field required",
    (spec) =>
      spec.replace(
        "            - roles\n            - security_level\n",
        "            - roles\n            - security_level\n            - comment\n",
      ),
    "request field request_data.comment became required (generateApiKey)",
  ],
  [
    "removing a response field",
    (spec) =>
      spec.replace(
        "            - id\n            - key\n          properties:\n            id:\n              type: integer\n              format: int64\n              description: The id of the new key; send it as `x-xdr-auth-id` when using the key.\n",
        "            - key\n          properties:\n",
      ),
    "response 200 field reply.id removed (generateApiKey)",
  ],
];

describe.each(BREAKING)("%s", (_label, edit, words) => {
  // Each kind of break fails the gate in its own words; what a changeset does to a failing gate
  // does not depend on the kind, so the first one alone goes on to the changesets.
  const first = words === BREAKING[0]?.[2];
  test(`fails, naming the change in words, with a summary for the changeset${first ? "; a minor changeset is not enough, a major one passes" : ""}`, () => {
    const copy = copyOfRepository();
    const failed = gate(copy, edit);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(
      "can break users of @xsiam-sdk/client, and no pending changeset bumps it by a major version",
    );
    expect(failed.stderr).toContain(`  - ${words}`);
    expect(failed.stdout).toContain(
      `---\n"@xsiam-sdk/client": major\n---\n\nBreaking changes to the API (spec/openapi.yaml) since the last release:\n\n`,
    );
    expect(failed.stdout).toContain(`- ${words}`);
    if (!first) return;
    writeFileSync(
      join(copy, ".changeset/just-a-fix.md"),
      '---\n"@xsiam-sdk/client": minor\n---\n\nNot enough.\n',
    );
    expect(spawnSync(process.execPath, [script, "--root", copy]).status).toBe(1);
    majorChangeset(copy);
    const passed = spawnSync(process.execPath, [script, "--root", copy], { encoding: "utf8" });
    expect(passed.status).toBe(0);
    expect(passed.stdout).toContain("covered by a major changeset");
  }, 60_000);
});

test("a description edit passes without a changeset, and asks for none", () => {
  const copy = copyOfRepository();
  const run = gate(copy, (spec) =>
    spec.replace(
      "Create, list and delete the API keys used to call the public API.",
      "Create, list and delete API keys.",
    ),
  );
  expect(run.status).toBe(0);
  expect(run.stdout).toContain("the largest needs a patch bump");
  expect(run.stdout).not.toContain("add a minor or patch changeset");
}, 60_000);

test("an added optional field passes without a changeset, and asks for one, since the client's types change", () => {
  const copy = copyOfRepository();
  const run = gate(copy, (spec) =>
    spec.replace(
      "            comment:\n              type: string\n              description: A free-text note stored with the key, such as who or what uses it.\n",
      "            comment:\n              type: string\n              description: A free-text note stored with the key, such as who or what uses it.\n            owner:\n              type: string\n              description: Who answers for the key.\n",
    ),
  );
  expect(run.status).toBe(0);
  expect(run.stdout).toContain("request field request_data.owner added (generateApiKey)");
  expect(run.stdout).toContain("add a minor or patch changeset for @xsiam-sdk/client");
}, 60_000);

test("the project's own rule: removing an error response is no break for this client, though redocly says major", () => {
  const copy = copyOfRepository();
  const remove413 = (spec: string) =>
    spec.replace('        "413":\n          $ref: "#/components/responses/PayloadTooLarge"\n', "");
  const run = gate(copy, remove413);
  expect(run.status).toBe(0);
  // Redocly alone rates it a major change: the rule is what lets it pass.
  const raw = spawnSync(
    process.execPath,
    [
      redocly,
      "diff",
      join(copy, "spec/baseline/openapi.yaml"),
      join(copy, "spec/openapi.yaml"),
      "--format",
      "json",
      "--fail-on",
      "none",
    ],
    { encoding: "utf8", env: { ...process.env, REDOCLY_TELEMETRY: "off" } },
  );
  expect(JSON.parse(raw.stdout).bump).toBe("major");
}, 60_000);

test("version-packages refreshes the baseline when the client's version changes, and only then", () => {
  const copy = copyOfRepository();
  const refresh = fileURLToPath(new URL("../scripts/refresh-baseline.mjs", import.meta.url));
  cpSync(refresh, join(copy, "spec/scripts/refresh-baseline.mjs"));
  writeFileSync(
    join(copy, "spec/openapi.yaml"),
    `${readFileSync(join(copy, "spec/openapi.yaml"), "utf8")}# edited\n`,
  );
  execFileSync(process.execPath, [join(copy, "spec/scripts/refresh-baseline.mjs")]);
  expect(readFileSync(join(copy, "spec/baseline/openapi.yaml"), "utf8")).not.toContain("# edited");
  const manifest = join(copy, "packages/client/package.json");
  writeFileSync(manifest, readFileSync(manifest, "utf8").replace('"version": "0.0.0"', '"version": "1.0.0"'));
  execFileSync(process.execPath, [join(copy, "spec/scripts/refresh-baseline.mjs")]);
  expect(readFileSync(join(copy, "spec/baseline/openapi.yaml"), "utf8")).toContain("# edited");
  expect(JSON.parse(readFileSync(join(copy, "spec/baseline/release.json"), "utf8"))).toEqual({
    "@xsiam-sdk/client": "1.0.0",
  });
}, 60_000);
