import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { GeneratedApiKey } from "@xsiam-sdk/client";
import type { Context } from "./context.js";
import { CliError } from "./errors.js";
import type { Output } from "./output.js";

/** The formats a new key can be handed over in. */
export type KeyFormat = "env" | "json" | "raw";
const FORMATS: readonly KeyFormat[] = ["env", "json", "raw"];

/** Where a new key goes, decided before anything is sent. */
export type Destination =
  | { readonly kind: "file"; readonly path: string; readonly format: KeyFormat; readonly replaces: boolean }
  | { readonly kind: "stdout"; readonly format: KeyFormat };

/** What a file held before a new key replaced it, to put back if the key does not stay. */
type Previous = { content: Buffer; mode: number } | undefined;

/**
 * Decides where the new key goes, from the command's `--out`, `--format`, `--force`, `--reveal`
 * and `--json`, and refuses (before any request) what would lose it or show it: an existing file
 * without `--force`, or a terminal without `--out` or `--reveal`.
 */
export function plan(values: Context["values"], output: Output): Destination {
  const options = {
    out: values.out as string | undefined,
    format: values.format as string | undefined,
    force: values.force === true,
    reveal: values.reveal === true,
    json: values.json === true,
  };
  const format = (options.format ??
    (options.json && options.out === undefined ? "json" : "env")) as KeyFormat;
  if (!FORMATS.includes(format)) {
    throw new CliError(`--format must be env, json or raw (got ${JSON.stringify(options.format)})`);
  }
  if (options.out !== undefined) {
    const replaces = existsSync(options.out);
    if (replaces && !options.force) {
      throw new CliError(
        `${options.out} exists; not overwriting it`,
        undefined,
        "choose another --out, or add --force to replace it",
      );
    }
    if (replaces && statSync(options.out).isDirectory()) throw new CliError(`${options.out} is a directory`);
    return { kind: "file", path: options.out, format, replaces };
  }
  if (output.stdoutIsTerminal && !options.reveal) {
    throw new CliError(
      "refusing to show a new key on a terminal, where it would stay on screen and in scrollback",
      undefined,
      "write it to a file with --out FILE (mode 600), pipe the output to where it is kept, or add --reveal",
    );
  }
  return { kind: "stdout", format };
}

/** The new key in a format. `env` is a complete settings file: usable as `--env-file` and as the environment of createXsiamClientFromEnv. */
export function formatted(
  format: KeyFormat,
  key: GeneratedApiKey,
  securityLevel: string,
  connection: Readonly<Record<string, string>>,
): string {
  if (format === "raw") return `${key.key}\n`;
  if (format === "json")
    return `${JSON.stringify({ id: key.id, key: key.key, securityLevel, ...connection }, null, 2)}\n`;
  return [
    `# API key ${key.id} (${securityLevel}), from xsiam-keys on ${new Date().toISOString()}. Keep this file secret.`,
    ...Object.entries(connection).map(([name, value]) => `${name}=${value}`),
    `XSIAM_API_KEY_ID=${key.id}`,
    `XSIAM_API_KEY=${key.key}`,
    `XSIAM_SECURITY_LEVEL=${securityLevel}`,
    "",
  ].join("\n");
}

/** Writes `content` to a new file of mode 0600, failing if one exists. */
function writeNew(path: string, content: string | Buffer, mode = 0o600): void {
  const descriptor = openSync(path, "wx", mode);
  try {
    writeSync(descriptor, typeof content === "string" ? Buffer.from(content) : content);
  } finally {
    closeSync(descriptor);
  }
  chmodSync(path, mode);
}

/** Replaces `path` with `content`, all at once (a temporary file beside it, renamed over it). */
function replace(path: string, content: string | Buffer, mode: number): void {
  const temporary = join(dirname(path), `.${randomBytes(6).toString("hex")}.xsiam-keys.tmp`);
  writeNew(temporary, content, mode);
  try {
    renameSync(temporary, path);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}

/**
 * Hands the new key over and returns how to take it back: the file removed, or what it held
 * before put back, so that a rotation that cannot finish leaves the user's files as they were.
 */
export async function handOver(
  destination: Destination,
  text: string,
  write: (text: string) => Promise<void>,
): Promise<() => void> {
  if (destination.kind === "stdout") {
    await write(text);
    return () => undefined;
  }
  const { path } = destination;
  const previous: Previous = destination.replaces
    ? { content: readFileSync(path), mode: statSync(path).mode & 0o777 }
    : undefined;
  if (previous) replace(path, text, 0o600);
  else writeNew(path, text);
  return () => (previous ? replace(path, previous.content, previous.mode) : unlinkSync(path));
}
