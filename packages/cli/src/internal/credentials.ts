import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import {
  createXsiamClientFromEnv,
  type XsiamClient,
  type XsiamClientSettings,
  XsiamValidationError,
} from "@xsiam-sdk/client";
import { CliError, EXIT, pathShown, typed } from "./errors.js";
import type { Output, Streams } from "./output.js";
import { shellWord } from "./shell.js";

/** Flags people try for a key: refused, with the reason, before anything else is read. */
const KEY_FLAG = /^--(?:api[-_]?key|key|secret|token)(?:=|$)/i;

/** Refuses a key given as a flag: it would be in `ps`, in shell history and in CI logs. */
export function refuseKeyFlags(argv: readonly string[]): void {
  const flag = argv.find((arg) => KEY_FLAG.test(arg));
  if (flag !== undefined) {
    throw new CliError(
      `a key is never taken from a flag (${flag.split("=")[0]}): it would show in ps, in shell history and in CI logs`,
      EXIT.usage,
      "set XSIAM_API_KEY, or use --credentials FILE, or pipe the key in with --api-key-stdin",
    );
  }
  // Node 20 reads `--env-file` itself wherever it is on the command line, before this tool starts
  // (it loads the file into the process, or exits 9 when it is missing); newer Node leaves it to the
  // tool. Either way it is not this tool's option.
  const envFile = argv.find((arg) => arg === "--env-file" || arg.startsWith("--env-file="));
  if (envFile !== undefined) {
    throw new CliError(
      "--env-file is Node.js's own option, which Node 20 reads before xsiam-keys starts: use --credentials FILE",
      EXIT.usage,
      "xsiam-keys --credentials admin.env check",
    );
  }
}

/** The XSIAM_* variables the client reads. */
const VARIABLES = [
  "XSIAM_BASE_URL",
  "XSIAM_FQDN",
  "XSIAM_API_KEY",
  "XSIAM_API_KEY_ID",
  "XSIAM_SECURITY_LEVEL",
  "XSIAM_CHILD_TENANT_ID",
  "XSIAM_SETTLE_MS",
  "XSIAM_REDIS_URL",
] as const;

/** The variables that go together: when a credentials file sets one of the first, the second come from it alone. */
const GROUPS = [
  [
    ["XSIAM_FQDN", "XSIAM_BASE_URL"],
    ["XSIAM_FQDN", "XSIAM_BASE_URL", "XSIAM_CHILD_TENANT_ID"],
  ],
  [["XSIAM_API_KEY_ID"], ["XSIAM_API_KEY_ID", "XSIAM_API_KEY", "XSIAM_SECURITY_LEVEL"]],
] as const;

/** Everything standard input holds, as text. */
async function readAll(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** Where the credentials come from: the environment, then `--credentials`, then the key from stdin. */
export interface CredentialOptions {
  /** `--credentials FILE`. */
  file?: string | undefined;
  apiKeyStdin?: boolean | undefined;
}

/** The text of a credentials file, with a warning when others than its owner can read it. */
function readCredentials(path: string, output: Pick<Output, "warn">): string {
  let descriptor: number;
  try {
    descriptor = openSync(path, "r");
  } catch (error) {
    throw new CliError(
      `cannot read --credentials ${pathShown(path)} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  try {
    const stats = fstatSync(descriptor);
    if (stats.isDirectory()) throw new CliError(`--credentials ${pathShown(path)} is a directory`);
    // A pipe (`--credentials <(vault read …)`) has no mode worth a warning.
    if (stats.isFile() && (stats.mode & 0o077) !== 0) {
      output.warn(
        `${pathShown(path)} can be read by ${(stats.mode & 0o007) !== 0 ? "every user" : "its group"} (mode ${(stats.mode & 0o777).toString(8)}), and it holds a key: chmod 600 ${shellWord(path)}`,
      );
    }
    return readFileSync(descriptor, "utf8");
  } finally {
    closeSync(descriptor);
  }
}

/** The XSIAM_* settings, from the environment, overridden by `--credentials` and `--api-key-stdin`. */
export async function loadSettings(
  streams: Pick<Streams, "env" | "stdin">,
  output: Pick<Output, "warn">,
  { file, apiKeyStdin }: CredentialOptions,
): Promise<Record<string, string | undefined>> {
  const settings: Record<string, string | undefined> = {};
  for (const name of VARIABLES) settings[name] = streams.env[name];
  if (file !== undefined) {
    const text = readCredentials(file, output);
    const parsed = parseEnv(text);
    // A file that names the tenant names all of it, and one that names a key all of that key: the
    // environment's other half (an XSIAM_FQDN beside the file's XSIAM_BASE_URL, a child tenant, a
    // level) would mix two sets of credentials.
    for (const [trigger, group] of GROUPS) {
      if (trigger.some((name) => Object.hasOwn(parsed, name)))
        for (const name of group) delete settings[name];
    }
    for (const name of VARIABLES) if (Object.hasOwn(parsed, name)) settings[name] = parsed[name];
  }
  if (apiKeyStdin) {
    if (streams.stdin.isTTY) {
      throw new CliError(
        "--api-key-stdin reads the key from a pipe, not a terminal",
        EXIT.usage,
        'printf %s "$KEY" | xsiam-keys --api-key-stdin …',
      );
    }
    // One trailing newline (from echo, or a file) is not part of the key.
    const key = (await readAll(streams.stdin)).replace(/\r?\n$/, "");
    if (key === "") throw new CliError("--api-key-stdin: standard input was empty");
    settings.XSIAM_API_KEY = key;
  }
  return settings;
}

const given = (value: string | undefined) => value !== undefined && value.trim() !== "";

/**
 * Says every credential that is missing at once, and where each can come from; and shows an id
 * that is not one only when it is short enough not to be a key (the variables may be swapped).
 */
function checkCredentials(settings: Record<string, string | undefined>, apiKeyStdin: boolean): void {
  const missing = [
    ...(given(settings.XSIAM_FQDN) || given(settings.XSIAM_BASE_URL)
      ? []
      : ["XSIAM_FQDN (or XSIAM_BASE_URL)"]),
    ...(given(settings.XSIAM_API_KEY_ID) ? [] : ["XSIAM_API_KEY_ID"]),
    ...(given(settings.XSIAM_API_KEY) ? [] : ["XSIAM_API_KEY"]),
  ];
  if (missing.length > 0) {
    throw new CliError(
      `missing ${missing.length === 1 ? "credential" : "credentials"}: ${missing.join(", ")}`,
      EXIT.usage,
      `set them in the environment; or put them, one NAME=value per line, in a file of mode 600 given with --credentials FILE${apiKeyStdin ? "; the key can also come from a pipe with --api-key-stdin" : ""}`,
    );
  }
  // A key where the tenant goes would be sent as a host name to DNS, and shown in every message.
  for (const name of ["XSIAM_FQDN", "XSIAM_BASE_URL"] as const) {
    if (/[A-Za-z0-9]{32,}/.test(settings[name] ?? "")) {
      throw new CliError(
        `${name} holds a run of 32 or more letters and digits, as a key does: not shown, and not used`,
        EXIT.usage,
        "XSIAM_FQDN and XSIAM_API_KEY may be swapped; the FQDN is the tenant's host name, as in the console's address",
      );
    }
  }
  const id = (settings.XSIAM_API_KEY_ID ?? "").trim();
  if (!/^[1-9][0-9]{0,15}$/.test(id)) {
    const shown =
      id.length <= 12 && !/[A-Za-z0-9]{13,}/.test(id)
        ? JSON.stringify(id)
        : `a value of ${id.length} characters, not shown: it may be the key, with XSIAM_API_KEY and XSIAM_API_KEY_ID swapped`;
    throw new CliError(
      `XSIAM_API_KEY_ID must be the key's id, a positive integer (got ${shown})`,
      EXIT.usage,
      "the id is in the API Keys table of the console, next to the key",
    );
  }
}

/** The client options for everything but the credentials (the client's own `XsiamClientSettings`). */
type ClientOptions = Omit<
  XsiamClientSettings,
  "fqdn" | "baseUrl" | "apiKey" | "apiKeyId" | "securityLevel" | "childTenantId"
>;

/**
 * XSIAM_SETTLE_MS, when set, as the client's `settleMs`: how long a generate that failed without
 * knowing (a timeout, a lost connection, a 502/503/504) waits for the key it may still mint.
 */
function settleOf(settings: Record<string, string | undefined>): Pick<ClientOptions, "settleMs"> {
  const settle = Object.hasOwn(settings, "XSIAM_SETTLE_MS") ? settings.XSIAM_SETTLE_MS : undefined;
  if (settle === undefined || settle === "") return {};
  if (!/^\d{1,7}$/.test(settle)) {
    throw new CliError(
      `XSIAM_SETTLE_MS must be a whole number of milliseconds (got ${typed(settle)})`,
      EXIT.usage,
    );
  }
  return { settleMs: Number(settle) };
}

/** A client, and what to close when the run is over (the Redis connection of a shared limit). */
export interface Connection {
  readonly client: XsiamClient;
  /** Closes the Redis connection, if any; calls still waiting for their slot are rejected. */
  close(): Promise<void>;
}

/**
 * A client from the settings: every credential that is missing or wrong is an error naming its
 * variable (with --api-key-stdin among the places a key can come from when `apiKeyStdin`);
 * XSIAM_SETTLE_MS is its `settleMs`; and the tenant's limit is shared through Redis when
 * XSIAM_REDIS_URL is set, on the key `tenantRateLimitKey(baseUrl)` of @xsiam-sdk/rate-limit-redis,
 * which every process that calls the same tenant derives the same way. `warn` is told when Redis
 * fails and the limit goes on in this process alone, and when Redis answers again.
 */
export async function connect(
  settings: Record<string, string | undefined>,
  options: ClientOptions = {},
  warn: (text: string) => void = () => undefined,
  { apiKeyStdin = true }: { apiKeyStdin?: boolean } = {},
): Promise<Connection> {
  checkCredentials(settings, apiKeyStdin);
  const own = { ...options, ...settleOf(settings) };
  const client = createXsiamClientFromEnv(settings, own);
  const url = settings.XSIAM_REDIS_URL?.trim();
  if (!url) return { client, close: async () => undefined };
  const { createRedisRateLimiter, tenantRateLimitKey } = await import("@xsiam-sdk/rate-limit-redis");
  let rateLimit: ReturnType<typeof createRedisRateLimiter>;
  try {
    rateLimit = createRedisRateLimiter({
      url,
      key: tenantRateLimitKey(client.baseUrl),
      logger: { warn: (message: string) => warn(message.replace(/^@xsiam-sdk\/rate-limit-redis: /, "")) },
    });
  } catch (error) {
    if (!(error instanceof XsiamValidationError)) throw error;
    // The value is never shown: a Redis URL may hold a password.
    throw new CliError(
      `XSIAM_REDIS_URL ${error.reason}`,
      EXIT.usage,
      "redis://[:password@]host[:port] or rediss://…; unset it to keep the limit in this process",
    );
  }
  return {
    client: createXsiamClientFromEnv(settings, { ...own, rateLimit }),
    close: () => rateLimit.close(),
  };
}
