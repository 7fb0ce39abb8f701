import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { createXsiamClientFromEnv, type XsiamClient } from "@xsiam-sdk/client";
import { CliError, EXIT } from "./errors.js";
import type { Streams } from "./output.js";

/** Flags people try for a key: refused, with the reason, before anything else is read. */
const KEY_FLAG = /^--(?:api[-_]?key|key|secret|token)(?:=|$)/i;

/** Refuses a key given as a flag: it would be in `ps`, in shell history and in CI logs. */
export function refuseKeyFlags(argv: readonly string[]): void {
  const flag = argv.find((arg) => KEY_FLAG.test(arg));
  if (flag !== undefined) {
    throw new CliError(
      `a key is never taken from a flag (${flag.split("=")[0]}): it would show in ps, in shell history and in CI logs`,
      EXIT.usage,
      "set XSIAM_API_KEY, or use --env-file FILE, or pipe the key in with --api-key-stdin",
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
] as const;

/** Everything standard input holds, as text. */
async function readAll(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** Where the credentials come from: the environment, then `--env-file`, then the key from stdin. */
export interface CredentialOptions {
  envFile?: string | undefined;
  apiKeyStdin?: boolean | undefined;
}

/** The XSIAM_* settings, from the environment, overridden by `--env-file` and `--api-key-stdin`. */
export async function loadSettings(
  streams: Streams,
  { envFile, apiKeyStdin }: CredentialOptions,
): Promise<Record<string, string | undefined>> {
  const settings: Record<string, string | undefined> = {};
  for (const name of VARIABLES) settings[name] = streams.env[name];
  if (envFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(envFile, "utf8");
    } catch (error) {
      throw new CliError(
        `cannot read --env-file ${envFile} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    const file = parseEnv(text);
    for (const name of VARIABLES) if (Object.hasOwn(file, name)) settings[name] = file[name];
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

/** A client from the settings; a key that is missing or wrong is an error naming the variable. */
export function clientFrom(settings: Record<string, string | undefined>): XsiamClient {
  return createXsiamClientFromEnv(settings);
}
