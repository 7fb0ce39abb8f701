import type { ApiKeyInfo, XsiamClient } from "@xsiam-sdk/client";
import { clientFrom, loadSettings } from "./credentials.js";
import { CliError } from "./errors.js";
import type { Output, Streams } from "./output.js";
import { fromNow, shortDate } from "./time.js";

/** What a command runs with. */
export interface Context {
  readonly output: Output;
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
}

export function createContext(
  streams: Streams,
  output: Output,
  values: Context["values"],
  positionals: readonly string[],
): Context {
  let settings: Promise<Record<string, string | undefined>> | undefined;
  let client: Promise<XsiamClient> | undefined;
  const load = () =>
    (settings ??= loadSettings(streams, {
      envFile: values["env-file"] as string | undefined,
      apiKeyStdin: values["api-key-stdin"] === true,
    }));
  return {
    output,
    values,
    positionals,
    json: values.json === true || !output.stdoutIsTerminal,
    settings: load,
    client: () => (client ??= load().then(clientFrom)),
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
    return Number(value);
  });
}

/** One key, as `list` shows it: id, level, roles, comment, created, expires, expires in. */
export function keyRow(key: ApiKeyInfo, now: number): string[] {
  return [
    String(key.id),
    key.securityLevel,
    key.roles.join(", "),
    key.comment ?? "",
    shortDate(key.createdAt),
    key.expiresAt ? shortDate(key.expiresAt) : "never",
    fromNow(key.expiresAt, now),
  ];
}

export const KEY_HEADER = ["ID", "LEVEL", "ROLES", "COMMENT", "CREATED", "EXPIRES", "EXPIRES IN"] as const;
