// What an adversarial review of xsiam-mcp broke, each fixed and kept fixed: a generate cancelled or
// stopped while the service still mints, a client that goes away mid-rotation, a tenant that echoes
// the server's key in its data, and the client's words leaking into the tools'.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { createFakeTenant, type FakeTenant } from "@xsiam-sdk/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { credentialsOf, jsonOf, keyFolder, type Session, startServer, textOf } from "./helpers.js";

const until = async (condition: () => boolean, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** The ids of the keys in the env files of `dir`. */
const idsInFiles = (dir: string) =>
  readdirSync(dir).map((name) => Number(parseEnv(readFileSync(join(dir, name), "utf8")).XSIAM_API_KEY_ID));

describe("a generate whose call ends before the service answers", () => {
  let tenant: FakeTenant;
  beforeAll(async () => {
    tenant = await createFakeTenant({ rateLimit: false });
  });
  afterAll(async () => {
    await tenant?.close();
  });

  test("cancelled by the client: the key the service mints still goes to its file, and the log names it", async () => {
    const dir = keyFolder();
    const session = await startServer(["--allow-write", "--key-dir", dir], credentialsOf(tenant));
    try {
      const before = tenant.keys().length;
      // Minted 0.6 s after the request, answered at 0.9 s; the client gives up at 0.2 s.
      tenant.faults.inject("generate", { kind: "act-later", afterMs: 600, answerMs: 900 });
      const cancelled = session.client
        .callTool({ name: "generate_api_key", arguments: { roles: ["Viewer"] } }, undefined, {
          signal: AbortSignal.timeout(200),
        })
        .catch((error: unknown) => error);
      expect(await cancelled).toBeInstanceOf(Error);
      await until(
        () => /generate_api_key: key \d+ written to/.test(session.log()),
        "the key's file in the log",
      );
      await tenant.idle();
      expect(tenant.keys()).toHaveLength(before + 1);
      // Every key the tenant holds beyond the root is in a file.
      const added = tenant
        .keys()
        .filter((key) => key.id !== tenant.rootKey.id)
        .map((key) => key.id);
      expect(idsInFiles(dir).sort()).toEqual(added.sort());
      expect(session.log()).toMatch(/sending try 1; its key will carry \[xsiam-sdk:[A-Za-z0-9]{16}\]/);
    } finally {
      await session.close();
    }
  });

  test("cancelled while a try's window is open: no other try is sent, and the log names the late key's marker", async () => {
    // Each try's window for a late key is 300 ms; the first try gets a 504 at once, and its key is
    // minted only after 1.5 s: the client would send a second try when the window closes.
    const session = await startServer(["--allow-write", "--key-dir", keyFolder()], {
      ...credentialsOf(tenant),
      XSIAM_SETTLE_MS: "300",
    });
    try {
      const calls = tenant.faults.calls().generate;
      tenant.faults.inject("generate", { kind: "act-later", afterMs: 1_500, answerMs: 50, status: 504 });
      await session.client
        .callTool({ name: "generate_api_key", arguments: { roles: ["Viewer"] } }, undefined, {
          signal: AbortSignal.timeout(150),
        })
        .catch(() => undefined);
      await until(() => session.log().includes("generate_api_key failed"), "the call's end in the log");
      const marker = /its key will carry (\[xsiam-sdk:[A-Za-z0-9]{16}\])/.exec(session.log())?.[1];
      expect(marker).toBeDefined();
      await tenant.idle();
      // One try only, and its marker in the failure's log line, with the command that finds its key.
      expect(tenant.faults.calls().generate).toBe(calls + 1);
      const failure = session.log().split("generate_api_key failed")[1] ?? "";
      expect(failure).toContain(`${marker} (xsiam-keys list --marker finds it)`);
      // The key minted late is the one it names.
      expect(tenant.keys().some((key) => key.comment?.includes(marker ?? "-"))).toBe(true);
    } finally {
      await session.close();
    }
  });

  test("SIGTERM: the server waits for the key, writes its file, then exits 143", async () => {
    const dir = keyFolder();
    const session = await startServer(["--allow-write", "--key-dir", dir], credentialsOf(tenant));
    const before = tenant.keys().length;
    tenant.faults.inject("generate", { kind: "delay-after", ms: 800 });
    const call = session.call("generate_api_key", { roles: ["Viewer"] }).catch((error: unknown) => error);
    await until(() => session.log().includes("sending try 1"), "the generate sent");
    session.transport.child.kill("SIGTERM");
    expect(await session.transport.exited).toBe(143);
    await call;
    expect(tenant.keys()).toHaveLength(before + 1);
    expect(idsInFiles(dir)).toHaveLength(1);
    expect(session.log()).toMatch(/generate_api_key: key \d+ written to/);
  });
});

describe("a client that goes away in the middle of a rotation", () => {
  test("the broken pipe does not end the server mid-step: the rotation is undone, and the log says what happened", async () => {
    const tenant = await createFakeTenant({ rateLimit: false });
    const dir = keyFolder();
    const session = await startServer(["--allow-write", "--key-dir", dir], credentialsOf(tenant));
    try {
      const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + 86_400_000 });
      const before = tenant.keys().map((key) => key.id);
      tenant.faults.inject("generate", { kind: "delay-after", ms: 600 });
      void session.call("rotate_api_key", { id: old.id }).catch(() => undefined);
      await until(() => session.log().includes("sending try 1"), "the rotation's generate sent");
      // The client's end of the pipe closes: the server's next write fails with EPIPE.
      session.transport.child.stdout.destroy();
      void session.call("list_api_keys").catch(() => undefined);
      const code = await session.transport.exited;
      expect(session.log()).not.toMatch(/EPIPE|Error: write/);
      expect(code).toBe(0);
      expect(tenant.keys().map((key) => key.id)).toEqual(before);
      expect(readdirSync(dir)).toEqual([]);
      expect(session.log()).toMatch(/rotate_api_key failed: .*XsiamRotateError/);
    } finally {
      await tenant.close();
    }
  });
});

describe("a tenant that echoes the server's key in its data", () => {
  let tenant: FakeTenant;
  let session: Session;
  beforeAll(async () => {
    tenant = await createFakeTenant({ rateLimit: false, rootSecurityLevel: "standard" });
    session = await startServer([], credentialsOf(tenant));
  });
  afterAll(async () => {
    await session?.close();
    await tenant?.close();
  });

  test.each([
    ["as it is", (key: string) => key],
    ["in base64", (key: string) => Buffer.from(key).toString("base64")],
    ["in hexadecimal", (key: string) => Buffer.from(key).toString("hex")],
    ["split: its first half", (key: string) => key.slice(0, Math.ceil(key.length / 2))],
    ["split: its second half", (key: string) => key.slice(Math.ceil(key.length / 2))],
  ])(
    "in a comment, %s: redacted where it stands, in the text and the structured result",
    async (_label, form) => {
      const secret = form(tenant.rootKey.key);
      const echoed = tenant.addKey({ roles: ["Viewer"], comment: `note ${secret} end` });
      const result = await session.call("list_api_keys", { ids: [echoed.id] });
      const comment = (result.structuredContent as { keys: Array<{ comment: string }> }).keys[0]?.comment;
      expect(comment).toBe("note [redacted] end");
      expect(textOf(result)).not.toContain(secret);
    },
  );

  test.each([
    [
      "percent-encoded, every character",
      (key: string) => [...key].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(""),
    ],
    [
      "in a Basic credential's base64 (shifted)",
      (key: string) => Buffer.from(`api:${key}`).toString("base64"),
    ],
    ["spread apart by zero-width spaces", (key: string) => [...key].join("\u200b")],
    [
      "in fullwidth letters",
      (key: string) => key.replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
    ],
    ["reversed", (key: string) => [...key].reverse().join("")],
  ])("in a comment, %s: the whole comment is withheld", async (_label, form) => {
    const echoed = tenant.addKey({ roles: ["Viewer"], comment: `note ${form(tenant.rootKey.key)} end` });
    const result = await session.call("list_api_keys", { ids: [echoed.id] });
    const comment = (result.structuredContent as { keys: Array<{ comment: string }> }).keys[0]?.comment;
    expect(comment).toBe("[redacted: it held a form of a key]");
  });

  test("ordinary comments are left as they are", async () => {
    const plain = tenant.addKey({
      roles: ["Viewer"],
      comment: "nightly export for the SOC dashboard (owner: j.doe, ticket SEC-4521)",
    });
    const result = await session.call("list_api_keys", { ids: [plain.id] });
    expect((result.structuredContent as { keys: Array<{ comment: string }> }).keys[0]?.comment).toBe(
      "nightly export for the SOC dashboard (owner: j.doe, ticket SEC-4521)",
    );
  });
});

test("a generate's argument the client refuses is named as the tool's argument", async () => {
  const tenant = await createFakeTenant({ rateLimit: false });
  const session = await startServer(["--allow-write", "--key-dir", keyFolder()], credentialsOf(tenant));
  try {
    // A role name of spaces passes the tool's schema; the client refuses it before sending.
    const result = await session.call("generate_api_key", { roles: ["Viewer", " "] });
    expect(result.isError).toBe(true);
    expect((jsonOf(result).error as { message: string }).message).toBe(
      "roles must be a role name (got a string of 1 character)",
    );
    expect(tenant.faults.calls().generate).toBe(0);
  } finally {
    await session.close();
    await tenant.close();
  }
});
