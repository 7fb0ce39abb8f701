// xsiam-keys in a real terminal (Debian's tmux): what a person sees, and answering the prompt the
// way a person does, with the keyboard (send-keys), reading the screen back (capture-pane).
import { execFileSync } from "node:child_process";
import { createFakeTenant, type FakeTenant } from "@xsiam-sdk/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { BIN, workspace } from "./helpers.js";

const SOCKET = `xsiam-keys-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-t", "cli", "-p");

/** Waits until the screen shows `text`, and returns the screen. */
async function waitFor(text: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = screen();
    if (shown.includes(text)) return shown;
    if (Date.now() > deadline) throw new Error(`the screen never showed ${JSON.stringify(text)}:\n${shown}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Types a command line, as a person would, and presses Enter. */
function type(line: string): void {
  tmux("send-keys", "-t", "cli", "-l", line);
  tmux("send-keys", "-t", "cli", "Enter");
}

let tenant: FakeTenant;
beforeAll(async () => {
  tenant = await createFakeTenant();
  const dir = workspace(tenant);
  tmux(
    "new-session",
    "-d",
    "-s",
    "cli",
    "-x",
    "180",
    "-y",
    "40",
    "-c",
    dir,
    "env",
    "-i",
    `PATH=${process.env.PATH}`,
    "TERM=xterm-256color",
    "PS1=$ ",
    "bash",
    "--norc",
    "--noprofile",
  );
  // Keys typed before the shell has set up its terminal are lost: wait for its prompt.
  await waitFor("$");
  type(`alias xsiam-keys='${process.execPath} ${BIN} --credentials admin.env'; clear`);
});
afterAll(async () => {
  tmux("kill-server");
  await tenant.close();
});

test("list shows a table with the columns a person reads", async () => {
  type("xsiam-keys list");
  const shown = await waitFor("1 key");
  expect(shown).toMatch(/ID\s+LEVEL\s+ROLES\s+COMMENT\s+CREATED\s+EXPIRES\s+EXPIRES IN/);
  expect(shown).toMatch(
    new RegExp(`${tenant.rootKey.id}\\s+advanced\\s+Instance Administrator\\s+root key \\(console\\)`),
  );
  type("clear");
});

test("on a narrow terminal, list cuts the comment column with an ellipsis instead of wrapping rows", async () => {
  const long = tenant.addKey({
    roles: ["Viewer"],
    comment: `nightly export ${"of the audit trail ".repeat(10)}`,
  });
  tmux("resize-window", "-t", "cli", "-x", "110", "-y", "40");
  try {
    type("clear; xsiam-keys list");
    const shown = await waitFor("2 keys");
    const row = shown.split("\n").find((line) => line.startsWith(`${long.id} `));
    expect(row).toMatch(/nightly export of the .*…\s+20\d\d-/);
    // One line per key: no row ran onto the next line.
    for (const line of shown.split("\n")) expect(line.length).toBeLessThanOrEqual(110);
    expect(shown.split("\n").filter((line) => /^\d+ +advanced/.test(line))).toHaveLength(2);
  } finally {
    tmux("resize-window", "-t", "cli", "-x", "180", "-y", "40");
    type(`clear; xsiam-keys delete ${long.id} --yes`);
    await waitFor("Deleted 1 key");
    type("clear");
  }
});

test("delete shows the key, asks, and deletes when the answer is y", async () => {
  const doomed = tenant.addKey({ roles: ["Viewer"], comment: "old export key" });
  type(`xsiam-keys delete ${doomed.id}`);
  const asked = await waitFor("Delete this key? [y/N]");
  expect(asked).toContain("To delete:");
  expect(asked).toMatch(new RegExp(`${doomed.id}\\s+advanced\\s+Viewer\\s+old export key`));
  expect(tenant.keys().map((key) => key.id)).toContain(doomed.id);
  type("y");
  await waitFor(`Deleted 1 key: ${doomed.id}.`);
  expect(tenant.keys().map((key) => key.id)).not.toContain(doomed.id);
  type("clear");
});

test("delete keeps the key when the answer is anything but yes", async () => {
  const kept = tenant.addKey({ roles: ["Viewer"] });
  type(`xsiam-keys delete ${kept.id}`);
  await waitFor("[y/N]");
  type("n");
  await waitFor("Nothing was deleted.");
  expect(tenant.keys().map((key) => key.id)).toContain(kept.id);
  type("clear");
});

test("generate on a terminal without --out or --reveal does not print the key, and creates none", async () => {
  const before = tenant.keys().length;
  type("xsiam-keys generate --role Viewer");
  const shown = await waitFor("refusing to show a new key on a terminal");
  expect(shown).toContain("hint: write it to a file with --out FILE");
  expect(shown).not.toMatch(/[A-Za-z0-9]{128}/);
  expect(tenant.keys()).toHaveLength(before);
  type("clear");
});

test("generate --out on a terminal: the screen shows where the key went, not the key", async () => {
  type("xsiam-keys generate --role Viewer --out viewer.env");
  const shown = await waitFor("handed over to viewer.env (mode 600, env)");
  expect(shown).not.toMatch(/[A-Za-z0-9]{128}/);
  type("clear");
});

/** The exit status of the last command, as the shell prints it. */
async function lastStatus(): Promise<string> {
  type("echo status=$?");
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = /^status=(\d+)$/m.exec(screen())?.[1];
    if (status !== undefined) return status;
    if (Date.now() > deadline) throw new Error(`the shell never printed the status:\n${screen()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An empty screen and no scrollback, so that what a test waits for is what it caused. */
async function freshScreen(): Promise<void> {
  type("clear");
  tmux("clear-history", "-t", "cli");
  const deadline = Date.now() + 15_000;
  while (screen().trim() !== "$") {
    if (Date.now() > deadline) throw new Error(`the screen never cleared:\n${screen()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test.each([
  ["Ctrl-C", "C-c"],
  ["Ctrl-D", "C-d"],
])("%s at the delete prompt means no: a line of its own, Nothing was deleted., exit 1", async (_, key) => {
  await freshScreen();
  const kept = tenant.addKey({ roles: ["Viewer"] });
  type(`xsiam-keys delete ${kept.id}`);
  await waitFor("[y/N]");
  tmux("send-keys", "-t", "cli", key);
  const shown = await waitFor("Nothing was deleted.");
  // The message starts its own line: the prompt's line ends where the answer would have been.
  expect(shown).toMatch(/\[y\/N\] *\n+Nothing was deleted\./);
  expect(await lastStatus()).toBe("1");
  expect(tenant.keys().map((stored) => stored.id)).toContain(kept.id);
  type("clear");
});

test("rotate --dry-run on a terminal shows the plan: no key, so nothing to refuse", async () => {
  await freshScreen();
  const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + 86_400_000 });
  type(`xsiam-keys rotate ${old.id} --expires 90d --dry-run`);
  await waitFor("Dry run: would create a key with roles Viewer");
  expect(await lastStatus()).toBe("0");
});

test("Ctrl-C during a rotation: the step is undone, the screen says what was done, exit 130", async () => {
  await freshScreen();
  const old = tenant.addKey({ roles: ["Viewer"], comment: "export", expiration: Date.now() + 86_400_000 });
  tenant.faults.inject("generate", { kind: "delay-after", ms: 1_500 });
  type(`xsiam-keys rotate ${old.id} --out rotated.env`);
  await waitFor("the new key will have marker");
  tmux("send-keys", "-t", "cli", "C-c");
  const shown = await waitFor(`Nothing changed: you hold key ${old.id}.`);
  expect(shown).toContain("stopping once the current step is finished or undone");
  expect(shown).toMatch(/was stopped at generate .*new key \d+ was deleted/);
  expect(await lastStatus()).toBe("130");
  expect(tenant.keys().map((stored) => stored.id)).toContain(old.id);
  expect(tenant.keys().filter((stored) => stored.comment?.startsWith("export"))).toHaveLength(1);
  type("clear");
});
