import { accessSync, constants, fstatSync, lstatSync, type Stats, statSync } from "node:fs";
import { dirname } from "node:path";
import { parseEnv } from "node:util";
import { envFile, envLine, type GeneratedApiKey, XsiamValidationError } from "@xsiam-sdk/client";
import { runConsumer } from "./consumer.js";
import type { Context } from "./context.js";
import { CliError, typed } from "./errors.js";
import { type Replaced, writeKeyFile } from "./key-file.js";
import type { Output } from "./output.js";
import { durationOf } from "./time.js";

/** The formats a new key can be handed over in. */
export type KeyFormat = "env" | "json" | "raw";
const FORMATS: readonly KeyFormat[] = ["env", "json", "raw"];
const DEFAULT_COMMAND_TIMEOUT = "2m";

/** Where a new key goes, decided and checked before anything is sent. */
export type Destination =
  | { readonly kind: "file"; readonly path: string; readonly format: KeyFormat; readonly replaces?: Replaced }
  | { readonly kind: "stdout"; readonly format: KeyFormat }
  | {
      readonly kind: "command";
      readonly command: string;
      readonly format: KeyFormat;
      readonly timeoutMs: number;
    };

/** A key handed over, until that is final. */
export interface Delivery {
  /** Whether `undo` can take it back: a file can be; stdout and a command cannot. */
  readonly undoable: boolean;
  /** Takes the hand-over back (a replaced file put back, a new file removed). */
  undo(): void;
  /** Makes it final: the second name of a replaced file is removed. */
  finish(): void;
  /** Where the replaced file's old content is until then. */
  readonly previous: string | undefined;
}

const lstatOrUndefined = (path: string): Stats | undefined => {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`cannot check --out ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
};

/** Whether `path` is the file `replaced` describes (the same inode, whatever the names). */
function sameInode(path: string, replaced: Replaced): boolean {
  try {
    const stats = statSync(path);
    return stats.dev === replaced.dev && stats.ino === replaced.ino;
  } catch {
    return false;
  }
}

/** What a file system object is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a named pipe (FIFO)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "not a regular file";
}

/**
 * Checks `--out` before any key exists: its folder exists and can be written, and what is there
 * is nothing (a new file) or, with `--force`, a regular file this user can write (it is rewritten
 * in place, so its owner, group, mode, ACLs and hard links all stay). A symbolic link, a FIFO, a
 * directory or a device is refused, with or without `--force`.
 */
function checkedOut(path: string, force: boolean): Replaced | undefined {
  const folder = dirname(path);
  let folderStats: Stats;
  try {
    folderStats = statSync(folder);
  } catch (error) {
    throw new CliError(
      `cannot write --out ${path}: its folder ${folder} ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read (${(error as NodeJS.ErrnoException).code})`}`,
      undefined,
      "create the folder first, or choose another --out; no key was created",
    );
  }
  if (!folderStats.isDirectory()) throw new CliError(`cannot write --out ${path}: ${folder} is not a folder`);
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch {
    throw new CliError(`cannot write --out ${path}: the folder ${folder} is not writable by this user`);
  }
  const stats = lstatOrUndefined(path);
  if (!stats) return undefined;
  if (stats.isSymbolicLink()) {
    throw new CliError(
      `${path} is a symbolic link; not writing a key through it`,
      undefined,
      "give the path of the file itself as --out (replacing the link would leave its target holding the old key)",
    );
  }
  if (!stats.isFile())
    throw new CliError(`${path} is ${kindOf(stats)}; a key is only written to a regular file`);
  if (!force) {
    throw new CliError(
      `${path} exists; not overwriting it`,
      undefined,
      "choose another --out, or add --force to replace it",
    );
  }
  try {
    accessSync(path, constants.W_OK);
  } catch {
    throw new CliError(
      `cannot write ${path} as this user (it belongs to user ${stats.uid}, group ${stats.gid}, mode ${(stats.mode & 0o777).toString(8)})`,
      undefined,
      "run as a user who may write it, or choose another --out; no key was created",
    );
  }
  return { dev: stats.dev, ino: stats.ino, uid: stats.uid, gid: stats.gid, mode: stats.mode & 0o7777 };
}

/**
 * Decides where the new key goes, from the command's `--out`, `--force`, `--to-command`,
 * `--command-timeout`, `--format`, `--reveal` and `--json`, and refuses (before any request) what
 * would lose it or show it: a file that is not a new or a replaceable regular file, a folder that
 * cannot be written, or a terminal without `--reveal`.
 */
export function plan(
  values: Context["values"],
  output: Output,
  { dryRun = false }: { dryRun?: boolean } = {},
): Destination {
  const out = values.out as string | undefined;
  const command = values["to-command"] as string | undefined;
  const given = values.format as string | undefined;
  if (out !== undefined && command !== undefined) {
    throw new CliError("--out and --to-command are exclusive: the key goes to one place");
  }
  const format = (given ??
    (command !== undefined
      ? "raw"
      : values.json === true && out === undefined
        ? "json"
        : "env")) as KeyFormat;
  if (!FORMATS.includes(format)) {
    throw new CliError(`--format must be env, json or raw (got ${typed(given)})`);
  }
  if (values["command-timeout"] !== undefined && command === undefined) {
    throw new CliError("--command-timeout goes with --to-command");
  }
  if (out !== undefined) {
    if (out === "") throw new CliError("--out needs a file name");
    const replaces = checkedOut(out, values.force === true);
    const credentials = values.credentials as string | undefined;
    if (replaces && credentials !== undefined && sameInode(credentials, replaces)) {
      throw new CliError(
        `--out ${out} is the --credentials file this run signs with: replacing it would leave that key with no holder`,
        undefined,
        "write the new key to another file; no key was created",
      );
    }
    if (replaces && (replaces.mode & 0o007) !== 0) {
      output.warn(
        `${out} can be read by every user (mode ${replaces.mode.toString(8)}); it keeps its mode, and will hold the key: chmod o-rwx ${out}`,
      );
    }
    return replaces ? { kind: "file", path: out, format, replaces } : { kind: "file", path: out, format };
  }
  if (command !== undefined) {
    if (command.trim() === "") throw new CliError("--to-command needs a command");
    const timeoutMs = durationOf(
      "--command-timeout",
      (values["command-timeout"] as string | undefined) ?? DEFAULT_COMMAND_TIMEOUT,
    );
    return { kind: "command", command, format, timeoutMs };
  }
  // A dry run shows no key: where it would go needs no refusal.
  if (dryRun) return { kind: "stdout", format };
  if (output.stdoutIsTerminal && values.reveal !== true) {
    throw new CliError(
      "refusing to show a new key on a terminal, where it would stay on screen and in scrollback",
      undefined,
      "write it to a file with --out FILE (mode 600), hand it to a command with --to-command CMD, pipe the output to where it is kept with --format raw, or add --reveal",
    );
  }
  // In CI, standard output is often the job's log: a key goes there only when asked for by format.
  if (given === undefined && values.reveal !== true) {
    throw new CliError(
      "refusing to write a new key to standard output without --format: in CI, standard output is often the job's log",
      undefined,
      "to pipe it, say in which form with --format raw, env or json; or use --out FILE or --to-command CMD",
    );
  }
  checkStdout(output);
  return { kind: "stdout", format };
}

/**
 * Refuses a stdout where a key would be lost (/dev/null), and warns when it is a regular file that
 * others can read: the key is about to be in it.
 */
function checkStdout(output: Output): void {
  const fd = output.stdoutFd;
  if (fd === undefined) return;
  let stats: Stats;
  try {
    stats = fstatSync(fd);
  } catch {
    return;
  }
  if (stats.isCharacterDevice()) {
    let isNull = false;
    try {
      isNull = statSync("/dev/null").rdev === stats.rdev;
    } catch {
      // No /dev/null to compare with.
    }
    if (isNull) {
      throw new CliError(
        "standard output is /dev/null: the new key would be lost, and nobody would hold it",
        undefined,
        "use --out FILE or --to-command CMD; no key was created",
      );
    }
  }
  if (stats.isFile() && (stats.mode & 0o077) !== 0) {
    output.warn(
      `standard output is a file that others can read (mode ${(stats.mode & 0o777).toString(8)}), and the key will be in it: chmod 600 it, or use --out FILE, which is created with mode 600`,
    );
  }
}

/** Where the key went, in words. */
export const placeOf = (destination: Destination): string => {
  switch (destination.kind) {
    case "file":
      return `${destination.path} (${destination.replaces ? `mode ${destination.replaces.mode.toString(8)}, kept` : "mode 600"}, ${destination.format})`;
    case "stdout":
      return "standard output";
    case "command":
      return "the command given with --to-command";
  }
};

/**
 * Checks, before anything is sent, that the connection lines of an env file can be written so that
 * every reader (util.parseEnv, this tool, a shell sourcing it) reads them back as they are.
 */
export function checkConnection(
  destination: Destination,
  connection: Readonly<Record<string, string>>,
): void {
  if (destination.format !== "env") return;
  for (const [name, value] of Object.entries(connection)) {
    try {
      envLine(name, value);
    } catch (error) {
      if (!(error instanceof XsiamValidationError)) throw error;
      throw new CliError(
        `${name} cannot be written to an env file: it ${error.reason}`,
        undefined,
        "use --format json or raw, or fix the value; nothing was sent",
      );
    }
  }
}

/** The new key in a format. `env` is a credentials file: usable as `--credentials` and by `createXsiamClientFromEnv`. */
export function keyText(
  format: KeyFormat,
  key: GeneratedApiKey,
  securityLevel: string,
  connection: Readonly<Record<string, string>>,
  from = "xsiam-keys",
): string {
  if (format === "raw") return `${key.key}\n`;
  if (format === "json") {
    // The client's option names, so that the object can be given to createXsiamClient as it is.
    const { XSIAM_BASE_URL: baseUrl, XSIAM_CHILD_TENANT_ID: childTenantId } = connection;
    return `${JSON.stringify({ id: key.id, key: key.key, securityLevel, baseUrl, ...(childTenantId !== undefined && { childTenantId }) }, null, 2)}\n`;
  }
  return envFile(
    {
      ...connection,
      XSIAM_API_KEY_ID: String(key.id),
      XSIAM_API_KEY: key.key,
      XSIAM_SECURITY_LEVEL: securityLevel,
    },
    `API key ${key.id} (${securityLevel}), from ${from} on ${new Date().toISOString()}. Keep this file secret.`,
  );
}

/** Throws unless `written` reads back, in `format`, as key `key`. */
export function readsBackAs(format: KeyFormat, key: GeneratedApiKey): (written: string) => void {
  return (written) => {
    let ok: boolean;
    if (format === "raw") ok = written === `${key.key}\n`;
    else if (format === "json") {
      let parsed: { id?: unknown; key?: unknown } | undefined;
      try {
        parsed = JSON.parse(written) as { id?: unknown; key?: unknown };
      } catch {
        parsed = undefined;
      }
      ok = parsed?.id === key.id && parsed.key === key.key;
    } else {
      const parsed = parseEnv(written);
      ok = parsed.XSIAM_API_KEY_ID === String(key.id) && parsed.XSIAM_API_KEY === key.key;
    }
    if (!ok) {
      throw Object.assign(new Error("the file does not read back as the key that was written"), {
        code: "EREADBACK",
      });
    }
  };
}

/**
 * Hands `text` (key `key` in the destination's format) over: to a file (written fully, fsynced,
 * read back), to stdout (resolves once written; a closed pipe rejects), or to a command (resolves
 * once it exited with 0). Throws if the key did not arrive; the caller then deletes the key.
 */
export async function deliver(
  destination: Destination,
  key: GeneratedApiKey,
  text: string,
  context: Pick<Context, "output" | "env">,
): Promise<Delivery> {
  const { output } = context;
  switch (destination.kind) {
    case "file": {
      const written = writeKeyFile(
        destination.path,
        text,
        destination.replaces,
        readsBackAs(destination.format, key),
      );
      return { undoable: true, undo: written.undo, finish: written.finish, previous: written.previous };
    }
    case "stdout":
      await output.write(text);
      return { undoable: false, undo: () => undefined, finish: () => undefined, previous: undefined };
    case "command":
      await runConsumer({
        command: destination.command,
        input: text,
        secret: key.key,
        timeoutMs: destination.timeoutMs,
        env: context.env,
        onLine: (line) => output.relay(line),
      });
      return { undoable: false, undo: () => undefined, finish: () => undefined, previous: undefined };
  }
}
