#!/usr/bin/env node
// `pnpm demo`: the key lifecycle through the command-line tool, xsiam-keys. Each command is
// printed as a user would type it, then run, and its output shown as a person at a terminal sees
// it (tables, not JSON), in order, on this process's stdout: the tool runs in this process, with
// streams that say they are a terminal, so that the output reads the same in a log.
//
// Without XSIAM_* variables it starts a fake tenant (@xsiam-sdk/testing) in this process and
// points the tool at it with an env file, then: check, list, generate --out, rotate, list,
// delete --yes, and stops the tenant. With XSIAM_FQDN or XSIAM_BASE_URL (and the key variables)
// set, it talks to that tenant, and runs only the read-only commands (check, list) unless
// XSIAM_DEMO_WRITE=1; XSIAM_DEMO_ROLE names the role of the key it creates (default Viewer).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { main } from "@xsiam-sdk/cli";
import { createFakeTenant } from "@xsiam-sdk/testing";

const say = (line = "") => process.stdout.write(`${line}\n`);
const live = Boolean(process.env.XSIAM_FQDN || process.env.XSIAM_BASE_URL);
const write = !live || process.env.XSIAM_DEMO_WRITE === "1";
const role = process.env.XSIAM_DEMO_ROLE || "Viewer";
const dir = mkdtempSync(join(tmpdir(), "xsiam-demo-"));

/** A stream that writes to this process's stdout, and says whether it is a terminal as told. */
function toStdout(isTTY) {
  // Passed on at once, never held back: what the demo itself prints stays in order with it.
  const stream = new Writable({
    write: (chunk, _encoding, done) => {
      process.stdout.write(chunk);
      done();
    },
  });
  return Object.assign(stream, { isTTY });
}
const streams = {
  stdout: toStdout(true),
  // Progress and notes in the same stream as the results, so that they stay in order; no spinner.
  stderr: toStdout(false),
  stdin: process.stdin,
  // Colours only where they can show.
  env: { ...process.env, ...(process.stdout.isTTY ? {} : { NO_COLOR: "1" }) },
};

/** Runs `xsiam-keys ...args` in the demo folder, printed first as typed; resolves to its exit code. */
function xsiamKeys(...args) {
  const shown = args.map((arg) => (/^[\w./=-]+$/.test(arg) ? arg : `"${arg}"`)).join(" ");
  say();
  say(`$ xsiam-keys ${shown}`);
  return main(args, streams);
}

/** Runs a command and stops the demo if it fails. */
async function step(...args) {
  const code = await xsiamKeys(...args);
  if (code !== 0) throw Object.assign(new Error(`xsiam-keys ${args[0]} exited with ${code}`), { code });
}

process.chdir(dir);

/** The key id an env file written by the tool holds. */
const keyIdIn = (file) => /^XSIAM_API_KEY_ID=(\d+)$/m.exec(readFileSync(join(dir, file), "utf8"))?.[1];

let tenant;
let exitCode = 0;
try {
  let credentials = [];
  if (live) {
    say(
      `xsiam-sdk demo: the key lifecycle with xsiam-keys, against ${process.env.XSIAM_BASE_URL || process.env.XSIAM_FQDN}`,
    );
    say(
      write
        ? "(XSIAM_DEMO_WRITE=1: it creates, rotates and deletes a key)"
        : "(read-only: set XSIAM_DEMO_WRITE=1 to create, rotate and delete a key too)",
    );
  } else {
    tenant = await createFakeTenant();
    const { id, key, securityLevel } = tenant.rootKey;
    writeFileSync(
      join(dir, "admin.env"),
      `XSIAM_BASE_URL=${tenant.baseUrl}\nXSIAM_API_KEY_ID=${id}\nXSIAM_API_KEY=${key}\nXSIAM_SECURITY_LEVEL=${securityLevel}\n`,
      { mode: 0o600 },
    );
    credentials = ["--credentials", "admin.env"];
    say("xsiam-sdk demo: the key lifecycle with xsiam-keys, against a fake tenant (@xsiam-sdk/testing)");
    say(
      `   tenant on ${tenant.baseUrl}; its root key (id ${id}, ${securityLevel}) is in admin.env, mode 600`,
    );
    say("   (set XSIAM_FQDN or XSIAM_BASE_URL, XSIAM_API_KEY and XSIAM_API_KEY_ID to use a real tenant)");
  }
  await step(...credentials, "check");
  await step(...credentials, "list");
  if (write) {
    await step(
      ...credentials,
      "generate",
      "--role",
      role,
      "--expires",
      "1d",
      "--comment",
      "xsiam-sdk demo",
      "--out",
      "demo-key.env",
    );
    const created = keyIdIn("demo-key.env");
    await step(...credentials, "rotate", created, "--out", "demo-key.env", "--force");
    const rotated = keyIdIn("demo-key.env");
    await step(...credentials, "list", "--id", created, "--id", rotated);
    await step(...credentials, "delete", rotated, "--yes");
  }
} catch (error) {
  exitCode = error.code ?? 1;
  say();
  say(`Demo stopped: ${error.message}`);
} finally {
  process.chdir(tmpdir());
  rmSync(dir, { recursive: true, force: true });
  if (tenant) {
    await tenant.close();
    say();
    say("Fake tenant stopped.");
  }
}
process.exitCode = exitCode;
