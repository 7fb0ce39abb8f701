// What programs built on xsiam-keys' conventions use (xsiam-mcp): the credentials as the tool reads
// them, its client with the shared Redis limit, and its key files.
import type { GeneratedApiKey } from "@xsiam-sdk/client";
import { type Connection, connect, loadSettings } from "./internal/credentials.js";
import { keyText, readsBackAs } from "./internal/hand-over.js";
import { writeKeyFile } from "./internal/key-file.js";

export { whyUnauthenticated } from "./commands/check.js";
export type { Connection } from "./internal/credentials.js";

/** Where `readSettings` reads the XSIAM_* settings from. */
export interface SettingsSource {
  /** The environment (`process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A credentials file, as `--credentials FILE`: its NAME=value lines override `env`. */
  readonly credentials?: string | undefined;
  /** Told when the file can be read by others than its owner. */
  readonly warn?: ((text: string) => void) | undefined;
}

/**
 * The XSIAM_* settings as `xsiam-keys` reads them: the environment, overridden by a credentials
 * file. Throws an error with a `hint` when the file cannot be read.
 */
export function readSettings(source: SettingsSource): Promise<Record<string, string | undefined>> {
  return loadSettings(
    { env: source.env as NodeJS.ProcessEnv, stdin: process.stdin },
    { warn: source.warn ?? (() => undefined) },
    { file: source.credentials },
  );
}

/**
 * The client for `settings`, as `xsiam-keys` makes it: every missing credential named at once,
 * XSIAM_SETTLE_MS, and the tenant's limit shared through Redis when XSIAM_REDIS_URL is set (see
 * `tenantRateLimitKey` of @xsiam-sdk/rate-limit-redis). `warn` is told when Redis fails or returns.
 */
export function connectWithSettings(
  settings: Record<string, string | undefined>,
  warn?: (text: string) => void,
): Promise<Connection> {
  // A program that reads its own standard input (an MCP server's protocol) has no --api-key-stdin.
  return connect(settings, {}, warn, { apiKeyStdin: false });
}

/**
 * Writes `key` to a new file at `path` (refused if anything is there, a link included), mode 600,
 * in the env format of `xsiam-keys generate --out` (usable as `--credentials`), fsynced and read
 * back. `connection` holds XSIAM_BASE_URL and, for a child tenant, XSIAM_CHILD_TENANT_ID; `from`
 * names the program in the file's comment. `undo` removes the file.
 */
export function writeNewKeyFile(
  path: string,
  key: GeneratedApiKey,
  securityLevel: string,
  connection: Readonly<Record<string, string>>,
  from: string,
): { undo(): void } {
  const written = writeKeyFile(
    path,
    keyText("env", key, securityLevel, connection, from),
    undefined,
    readsBackAs("env", key),
  );
  return { undo: () => written.undo() };
}
