import { type ApiKeyInfo, escapeText, type XsiamClient, type XsiamClientSettings } from "@xsiam-sdk/client";
import { type Connection, connect, loadSettings } from "./credentials.js";
import { CliError } from "./errors.js";
import type { Output, Streams } from "./output.js";
import { shellWord } from "./shell.js";
import { fromNow, shortDate } from "./time.js";

/** What a command runs with. */
export interface Context {
  readonly output: Output;
  /** The environment the tool runs in (what a `--to-command` consumer inherits, less XSIAM_*). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Aborts when the run is asked to stop: a signal (Ctrl-C, SIGTERM) or a broken stdout or stderr.
   * A command then finishes or undoes its step, says what was done, and returns.
   */
  readonly signal: AbortSignal;
  /**
   * Tells the bin what to print if the user insists (a second Ctrl-C) and the tool exits at once:
   * the key or marker to clean up, or `undefined` when nothing would be left behind.
   */
  pending(note: string | undefined): void;
  /** `xsiam-keys ARGS` with the credentials option the user gave, for a hint to run next. */
  commandLine(...args: string[]): string;
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
  /** Whether results go out as JSON: `--json`, or stdout is not a terminal. */
  readonly json: boolean;
  /** The XSIAM_* settings in force. */
  settings(): Promise<Record<string, string | undefined>>;
  /** The client for those settings, made once. */
  client(): Promise<XsiamClient>;
  /** The id of the key the tool authenticates with. */
  ownKeyId(): Promise<number | undefined>;
  /** Closes what the client holds open (a Redis connection); the bin's run calls it at the end. */
  close(): Promise<void>;
}

/** What the bin gives a run: a signal for Ctrl-C and SIGTERM, and where to keep the note for a hard stop. */
export interface RunControl {
  /** Aborts when the run is asked to stop; its reason is an `Interrupt`. */
  readonly signal?: AbortSignal | undefined;
  /** Receives what to clean up if the run is stopped at once; see `Context.pending`. */
  readonly pending?: ((note: string | undefined) => void) | undefined;
}

/**
 * `--verbose`: a line on stderr for each request and each response (method, path, status,
 * duration, attempt), never a header or a body, so no secret; JSON lines with `--json`.
 */
function verboseHooks(output: Output): Pick<XsiamClientSettings, "onRequest" | "onResponse"> {
  const path = (url: string) => new URL(url).pathname;
  return {
    onRequest: ({ method, url, attempt, maxAttempts }) =>
      output.trace(
        { request: { method, path: path(url), attempt, maxAttempts } },
        `→ ${method} ${path(url)} (attempt ${attempt} of ${maxAttempts})`,
      ),
    onResponse: ({ method, url, attempt, status, durationMs }) =>
      output.trace(
        { response: { method, path: path(url), status, durationMs, attempt } },
        `← ${status} ${method} ${path(url)} in ${durationMs} ms (attempt ${attempt})`,
      ),
  };
}

export function createContext(
  streams: Streams,
  output: Output,
  values: Context["values"],
  positionals: readonly string[],
  control: RunControl = {},
): Context {
  let settings: Promise<Record<string, string | undefined>> | undefined;
  let connection: Promise<Connection> | undefined;
  const credentials = values.credentials as string | undefined;
  const load = () =>
    (settings ??= loadSettings(streams, output, {
      file: credentials,
      apiKeyStdin: values["api-key-stdin"] === true,
    }));
  const credentialArgs = [
    ...(credentials !== undefined ? ["--credentials", credentials] : []),
    ...(values["api-key-stdin"] === true ? ["--api-key-stdin"] : []),
  ];
  const signal = control.signal ? AbortSignal.any([control.signal, output.broken]) : output.broken;
  return {
    output,
    env: streams.env,
    signal,
    pending: (note) => control.pending?.(note),
    commandLine: (...args) => ["xsiam-keys", ...args, ...credentialArgs].map(shellWord).join(" "),
    values,
    positionals,
    json: values.json === true || !output.stdoutIsTerminal,
    settings: load,
    client: async () => {
      connection ??= load().then((loaded) =>
        connect(loaded, values.verbose === true ? verboseHooks(output) : {}, (text) => output.warn(text)),
      );
      return (await connection).client;
    },
    close: async () => {
      const opened = await connection?.catch(() => undefined);
      await opened?.close();
    },
    ownKeyId: async () => {
      const id = (await load()).XSIAM_API_KEY_ID?.trim();
      return id && /^[1-9][0-9]*$/.test(id) ? Number(id) : undefined;
    },
  };
}

/** Key ids from positional arguments; a value that is not one is never echoed (it may be a pasted key). */
export function idsOf(positionals: readonly string[], what: string): number[] {
  if (positionals.length === 0) throw new CliError(`${what}: give at least one key id`);
  return positionals.map((value, index) => {
    if (!/^[1-9][0-9]{0,15}$/.test(value)) {
      throw new CliError(`${what}: argument ${index + 1} is not a key id (a positive integer)`);
    }
    // 16 digits can be past what a number holds exactly: 9007199254740993 would become ...992.
    if (!Number.isSafeInteger(Number(value))) {
      throw new CliError(
        `${what}: argument ${index + 1}, ${value}, is larger than any key id (at most ${Number.MAX_SAFE_INTEGER})`,
      );
    }
    return Number(value);
  });
}

/** One key, as `list` shows it: id, level, roles, comment, created, expires, expires in. */
export function keyRow(key: ApiKeyInfo, now: number, output?: Output): string[] {
  // On a terminal under 120 columns, dates without the time: "expires in" says what is near.
  const narrow = (output?.stdoutColumns ?? Number.POSITIVE_INFINITY) < 120;
  const date = (at: Date) => (narrow ? at.toISOString().slice(0, 10) : shortDate(at));
  // Roles and comments are the service's text, which anyone who can edit a key controls.
  return [
    String(key.id),
    key.securityLevel,
    key.roles.map(escapeText).join(", "),
    escapeText(key.comment ?? ""),
    date(key.createdAt),
    key.expiresAt ? date(key.expiresAt) : "never",
    fromNow(key.expiresAt, now),
  ];
}

export const KEY_HEADER = ["ID", "LEVEL", "ROLES", "COMMENT", "CREATED", "EXPIRES", "EXPIRES IN"] as const;
/** The columns of KEY_HEADER cut to fit a narrow terminal, in turn: the comment, then the roles. */
export const SHRINK_COLUMNS = [3, 2] as const;
