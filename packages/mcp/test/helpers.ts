import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  type CallToolResult,
  ElicitRequestSchema,
  type ElicitResult,
  type JSONRPCMessage,
} from "@modelcontextprotocol/sdk/types.js";
import { type NodeRun, runNode } from "@xsiam-sdk/test-support";
import type { FakeTenant, UsableKey } from "@xsiam-sdk/testing";

/** The built bin, as npm would install it. */
export const BIN = fileURLToPath(new URL("../bin/xsiam-mcp.js", import.meta.url));

/**
 * A stdio transport to a server process that keeps every byte the server wrote, on stdout (the
 * protocol) and on stderr (its log), so that a test can search them all for a key.
 */
class RecordingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly stdout: Buffer[] = [];
  readonly stderr: Buffer[] = [];
  /** Every request and result, in order, for the transcript. */
  readonly transcript: Array<{ from: "client" | "server"; message: JSONRPCMessage }> = [];
  readonly exited: Promise<number | null>;
  private readonly buffer = new ReadBuffer();

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.exited = new Promise((resolve) => child.on("close", (code) => resolve(code)));
  }

  async start(): Promise<void> {
    this.child.stdout.on("data", (chunk: Buffer) => {
      this.stdout.push(chunk);
      this.buffer.append(chunk);
      for (let message = this.buffer.readMessage(); message; message = this.buffer.readMessage()) {
        this.transcript.push({ from: "server", message });
        this.onmessage?.(message);
      }
    });
    this.child.stderr.on("data", (chunk: Buffer) => this.stderr.push(chunk));
    this.child.on("close", () => this.onclose?.());
    this.child.on("error", (error) => this.onerror?.(error));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.transcript.push({ from: "client", message });
    this.child.stdin.write(serializeMessage(message));
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }
}

/** A running xsiam-mcp with an SDK client connected to it. */
export interface Session {
  readonly client: Client;
  readonly transport: RecordingTransport;
  /** Calls a tool; the result as the client got it. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Every byte the server wrote, stdout and stderr. */
  everything(): Buffer;
  /** The server's log so far. */
  log(): string;
  close(): Promise<void>;
}

/** How the test's client answers an elicitation (the person's confirmation); none: no elicitation support. */
export type Person = (request: { message: string }) => ElicitResult;

/** The XSIAM_* variables for `key` of `tenant`. */
export function credentialsOf(tenant: FakeTenant, key: UsableKey = tenant.rootKey): Record<string, string> {
  return {
    XSIAM_BASE_URL: tenant.baseUrl,
    XSIAM_API_KEY_ID: String(key.id),
    XSIAM_API_KEY: key.key,
    XSIAM_SECURITY_LEVEL: key.securityLevel,
  };
}

/** A credentials file of mode 600 for `key` of `tenant`, in a new folder. */
export function credentialsFile(tenant: FakeTenant, key: UsableKey = tenant.rootKey): string {
  const file = join(mkdtempSync(join(tmpdir(), "xsiam-mcp-creds-")), "admin.env");
  const lines = Object.entries(credentialsOf(tenant, key)).map(([name, value]) => `${name}=${value}`);
  writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  return file;
}

/** A new key folder of mode 700. */
export function keyFolder(): string {
  return mkdtempSync(join(tmpdir(), "xsiam-mcp-keys-"));
}

/** Starts `xsiam-mcp args` with only `env` (and PATH), and connects an SDK client to it. */
export async function startServer(
  args: readonly string[],
  env: Record<string, string>,
  person?: Person,
): Promise<Session> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const transport = new RecordingTransport(child);
  const client = new Client(
    { name: "xsiam-mcp-test", version: "1.0.0" },
    { capabilities: person ? { elicitation: { form: {} } } : {} },
  );
  if (person) {
    client.setRequestHandler(ElicitRequestSchema, async (request) =>
      person({ message: request.params.message }),
    );
  }
  await client.connect(transport);
  return {
    client,
    transport,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    everything: () => Buffer.concat([...transport.stdout, ...transport.stderr]),
    log: () => Buffer.concat(transport.stderr).toString("utf8"),
    close: async () => {
      await client.close();
      await transport.exited;
    },
  };
}

/** Runs `xsiam-mcp args` to its end (a start-up refusal, --help), with stdin closed. */
export function runBin(args: readonly string[], env: Record<string, string> = {}): Promise<NodeRun> {
  return runNode(BIN, args, { env });
}

/** The text of a result (its first content item). */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}

/** The JSON of a result's text: after the summary line for a success, all of it for an error. */
export function jsonOf(result: CallToolResult): Record<string, unknown> {
  const text = textOf(result);
  return JSON.parse(result.isError ? text : text.slice(text.indexOf("\n") + 1)) as Record<string, unknown>;
}

/** Forms a server could echo a secret in: as it is, base64, hex, percent-encoded. */
export function encodings(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString("base64"),
    Buffer.from(secret).toString("base64url"),
    Buffer.from(secret).toString("hex"),
    encodeURIComponent(secret),
  ];
}
