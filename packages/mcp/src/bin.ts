#!/usr/bin/env node
// xsiam-mcp: the MCP server over stdio. stdout carries the protocol and nothing else; the log goes
// to stderr, which MCP clients show as the server's log. `--version` and `--help` answer before
// anything else is loaded.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { checkedKeyDir } from "./internal/key-dir.js";
import { ToolError } from "./internal/tool-error.js";

// As in xsiam-keys: no background re-compile of undici's WebAssembly HTTP parser, which Node waits
// for at exit (about 170 ms); a server that makes a request now and then gains nothing from it.
setFlagsFromString("--liftoff-only");

const HELP = `xsiam-mcp: a Model Context Protocol server (stdio) for the API keys of a Cortex XSIAM tenant

Usage: xsiam-mcp [--credentials FILE] [--allow-write --key-dir DIR]

Read-only by default. The model can list keys (list_api_keys), check the server's own
key (check_credentials) and audit keys (audit_api_keys). With --allow-write --key-dir DIR
it can also generate keys and rotate them (each new key goes to a new file of mode 600 in
DIR, named by the server; the key is never shown to the model) and delete keys (it must
repeat the ids as confirm_ids; where the MCP client supports elicitation, you confirm each
delete; the server's own key is never deleted). Use write mode with clients that support
elicitation.

Credentials, as xsiam-keys takes them (never from the model, never from a flag):
  XSIAM_BASE_URL or XSIAM_FQDN, XSIAM_API_KEY, XSIAM_API_KEY_ID, and optionally
  XSIAM_SECURITY_LEVEL and XSIAM_CHILD_TENANT_ID: from the environment, or from
  --credentials FILE (NAME=value lines, e.g. a file from xsiam-keys generate --out).
  XSIAM_REDIS_URL: share the tenant's limit of 10 requests per second with every other
  process that calls it (xsiam-keys, other servers), on the Redis key
  xsiam:rate:<host of the base URL>.
  XSIAM_SETTLE_MS: how long a generate that failed without knowing looks for its key.

Options:
  --credentials FILE   read XSIAM_* settings from FILE (mode 600)
  --allow-write        list the tools that generate, rotate and delete keys
  --key-dir DIR        where new keys are written (needed with --allow-write); a folder
                       of yours that others cannot write to
  -h, --help           this help
  -V, --version        the version

Examples:
  xsiam-mcp --credentials ~/.config/xsiam/reader.env
  xsiam-mcp --credentials ~/.config/xsiam/admin.env --allow-write --key-dir ~/xsiam-keys

In an MCP client's configuration (Claude Desktop, Cursor, VS Code):
  { "mcpServers": { "xsiam-keys": { "command": "npx",
      "args": ["-y", "@xsiam-sdk/mcp", "--credentials", "/home/me/.config/xsiam/reader.env"] } } }
`;

/** The host of a Redis URL, for the log: never the URL, which may hold a password. */
const hostOf = (url: string) => {
  try {
    return new URL(url).host || "an unnamed host";
  } catch {
    return "an unparsable URL";
  }
};

const say = (text: string) => {
  try {
    process.stderr.write(`xsiam-mcp: ${text}\n`);
  } catch {
    // Nobody to tell.
  }
};

/** An option as typed, for a message: only a plain option name is echoed (it may be a pasted key). */
const shown = (arg: string) => {
  const name = arg.split("=")[0] ?? arg;
  return /^--?[a-z][a-z-]{0,30}$/i.test(name) ? name : `an argument of ${arg.length} characters`;
};

function options(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        credentials: { type: "string" },
        "allow-write": { type: "boolean" },
        "key-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const arg = args.find(
      (value) =>
        value.startsWith("-") &&
        !/^--(credentials|key-dir|allow-write|help|version)(=|$)|^-[hV]$/.test(value),
    );
    if (/^--?(api[-_]?key|key|secret|token)(=|$)/i.test(arg ?? "")) {
      throw new ToolError(
        "a key is never taken from a flag: it would show in ps and in the MCP client's configuration",
        "set XSIAM_API_KEY in the server's environment, or use --credentials FILE",
      );
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw new ToolError("xsiam-mcp takes no arguments besides its options", "xsiam-mcp --help");
    }
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && arg !== undefined) {
      throw new ToolError(`unknown option ${shown(arg)}`, "xsiam-mcp --help");
    }
    throw new ToolError(
      `${(error as Error).message.replace(/^Option '(-\w, )?(--[\w-]+)[^']*' argument missing$/, "$2 needs a value")}`,
      "xsiam-mcp --help",
    );
  }
}

/**
 * A path from the command line or an MCP client's configuration, where no shell expanded `~`
 * (JSON `args`): `~` and `~/…` are the home folder, as a shell would have made them.
 */
const expanded = (path: string) =>
  path === "~" ? homedir() : path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;

async function start(args: readonly string[]): Promise<void> {
  const values = options(args);
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  if (values.version) {
    process.stdout.write(`${version}\n`);
    return;
  }
  if (values["allow-write"] && values["key-dir"] === undefined) {
    throw new ToolError(
      "--allow-write needs --key-dir DIR: the folder new keys are written to",
      "xsiam-mcp --allow-write --key-dir ~/xsiam-keys",
    );
  }
  if (!values["allow-write"] && values["key-dir"] !== undefined) {
    throw new ToolError(
      "--key-dir is for write mode: add --allow-write to let the model generate, rotate and delete keys",
    );
  }
  // Checked before anything is connected; the server checks it again as it starts.
  const keyDir =
    values["key-dir"] === undefined ? undefined : checkedKeyDir(resolve(expanded(values["key-dir"])));
  const [
    { connectWithSettings, readSettings },
    { StdioServerTransport },
    { createXsiamMcpServer },
    { escapeText },
  ] = await Promise.all([
    import("@xsiam-sdk/cli"),
    import("@modelcontextprotocol/sdk/server/stdio.js"),
    import("./index.js"),
    import("@xsiam-sdk/client"),
  ]);
  const credentials = values.credentials === undefined ? undefined : expanded(values.credentials);
  const settings = await readSettings({ env: process.env, credentials, warn: say });
  const connection = await connectWithSettings(settings, say);
  const { client } = connection;
  const ownKeyId = Number(settings.XSIAM_API_KEY_ID?.trim());
  const child = settings.XSIAM_CHILD_TENANT_ID;
  const stopping = new AbortController();
  const server = createXsiamMcpServer({
    client,
    ownKeyId,
    keyDir,
    connection: { XSIAM_BASE_URL: client.baseUrl, ...(child ? { XSIAM_CHILD_TENANT_ID: child } : {}) },
    signal: stopping.signal,
    log: say,
    version,
    secrets: [settings.XSIAM_API_KEY ?? ""],
  });

  let closing: Promise<void> | undefined;
  const stop = (why: string, code: number) =>
    (closing ??= (async () => {
      stopping.abort(new Error(`the server is stopping (${why})`));
      // A call in progress finishes or undoes its step (a rotation deletes its new key, a generate
      // waits for the key it sent for, then deletes it) before the server goes.
      await server.idle();
      // The last results on their way out before the pipe closes (a broken one fails at once).
      await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
      await server.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      process.exit(code);
    })());
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    process.on(signal, () => {
      if (closing) {
        const left = server.pendingMarkers();
        say(
          `${signal} again: stopping at once. ${
            left.length === 0
              ? "No generate request was waiting for its key; what each call did is in the lines above."
              : `A key may be created with ${left.join(", or ")}: find it with xsiam-keys list --marker and delete it.`
          }`,
        );
        process.exit(code);
      }
      say(`${signal}: stopping once the calls in progress are finished or undone`);
      void stop(signal, code);
    });
  }
  // The client gone (its end of the pipe closed): the calls in progress finish or undo, then the
  // server goes. Unheard, the EPIPE would end the process in the middle of a rotation.
  process.stdout.on("error", () => void stop("the client is gone", 0));
  process.stderr.on("error", () => undefined);
  const transport = new StdioServerTransport();
  transport.onclose = () => void stop("the client closed the connection", 0);
  process.stdin.on("end", () => void stop("the client closed the connection", 0));
  await server.connect(transport);
  const redis = settings.XSIAM_REDIS_URL?.trim();
  say(
    [
      // The child tenant's id is not shown: it is the one setting that could hold a pasted key unchecked.
      `serving ${client.baseUrl}${child ? " (a child tenant)" : ""} with key ${ownKeyId}`,
      keyDir === undefined
        ? "read-only"
        : `write mode: new keys go to ${escapeText(server.keyDir ?? keyDir)}`,
      ...(redis ? [`the tenant's limit shared through Redis at ${hostOf(redis)}`] : []),
    ].join("; "),
  );
}

try {
  await start(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const hint = (error as { hint?: unknown }).hint;
  say(`${message}${typeof hint === "string" ? `\n  ${hint}` : ""}`);
  process.exit(1);
}
