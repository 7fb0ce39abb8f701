// What a tool call returns: text for the model and the same data as `structuredContent`. The
// service's text (comments, roles, user names, its error messages) only ever appears inside JSON
// strings, escaped with the client's `escapeText`: a hostile comment can neither pose as the
// server's own words nor break out of its string.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type ApiKeyInfo, escapeText, XsiamError } from "@xsiam-sdk/client";
import { z } from "zod";
import { ToolError } from "./tool-error.js";

export { ToolError } from "./tool-error.js";

const DAY = 86_400_000;

/** One key, as every tool shows it: dates as ISO 8601 text, the service's text escaped. */
export interface KeyOut {
  id: number;
  securityLevel: "advanced" | "standard";
  roles: string[];
  comment: string | null;
  marker: string | null;
  createdAt: string;
  expiresAt: string | null;
  expiresInDays: number | null;
  createdBy: string;
}

/** The schema of a `KeyOut`, for the tools' output schemas. */
export const keySchema: z.ZodType<KeyOut> = z.object({
  id: z.number().int().describe("the key's id"),
  securityLevel: z.enum(["advanced", "standard"]),
  roles: z.array(z.string()).describe("role names, as the service gives them (escaped)"),
  comment: z.string().nullable().describe("the key's comment (escaped), without a marker"),
  marker: z.string().nullable().describe("the xsiam-sdk marker a generate put in the comment, if any"),
  createdAt: z.string().describe("ISO 8601"),
  expiresAt: z.string().nullable().describe("ISO 8601; null: never expires"),
  expiresInDays: z.number().nullable().describe("days left, negative once expired; null: never expires"),
  createdBy: z.string().describe("the user who created it (escaped)"),
});

// The most of one text from the service a result holds: a comment of control characters, escaped,
// is six times its length, and a result goes into a model's context and a line of the protocol.
const MAX_TEXT = 1_000;

/** Text from the service, as a result holds it: escaped, and cut at MAX_TEXT characters. */
export function serviceText(text: string): string {
  const escaped = escapeText(text);
  return escaped.length <= MAX_TEXT
    ? escaped
    : `${escaped.slice(0, MAX_TEXT)}… [cut: ${escaped.length} characters]`;
}

/** A listed key, for a result: dates as ISO text, the service's text escaped. */
export function keyOut(key: ApiKeyInfo, now: number): KeyOut {
  return {
    id: key.id,
    securityLevel: key.securityLevel,
    roles: key.roles.map(serviceText),
    comment: key.comment === null ? null : serviceText(key.comment),
    marker: key.marker === null ? null : serviceText(key.marker),
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt ? key.expiresAt.toISOString() : null,
    expiresInDays: key.expiresAt ? Math.floor(((key.expiresAt.getTime() - now) / DAY) * 10) / 10 : null,
    createdBy: serviceText(key.createdBy),
  };
}

/**
 * A result: `summary` (the server's own words: counts and ids, never the service's text) on the
 * first line, then the data as JSON; the data again as `structuredContent`.
 */
export function ok(summary: string, data: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: "text", text: `${summary}\n${JSON.stringify(data, null, 2)}` }],
    structuredContent: data,
  };
}

// The typed errors' fields a model can act on: the service's status and code; a generate's outcome
// and markers; a rotation's step and what it left (which keys exist, which to delete). Never a body.
const FIELDS = [
  "status",
  "errCode",
  "operation",
  "field",
  "outcome",
  "marker",
  "lateMarkers",
  "step",
  "stopped",
  "oldId",
  "newId",
  "newExists",
  "handedOver",
  "toDelete",
] as const;

/** The fields of an error worth giving the model: the service's status and codes, never a body. */
function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof ToolError) return { ...error.details };
  if (!(error instanceof XsiamError)) return {};
  const fields: Record<string, unknown> = {};
  const source = error as unknown as Record<string, unknown>;
  for (const name of FIELDS) {
    const value = source[name];
    if (value === undefined) continue;
    fields[name] =
      typeof value === "string"
        ? escapeText(value)
        : Array.isArray(value)
          ? value.map((item) => (typeof item === "string" ? escapeText(item) : item))
          : value;
  }
  // A rotation's or a generate's failure keeps the service's answer as its cause.
  const cause = (error as { cause?: unknown }).cause;
  if (fields.status === undefined && cause instanceof XsiamError) {
    const { status, errCode } = errorFields(cause);
    if (status !== undefined) fields.status = status;
    if (errCode !== undefined) fields.errCode = errCode;
  }
  return fields;
}

// The client's words for its own calls and arguments, in the tools' (only these exact phrases).
const CLIENT_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\(apiKeys\.list\(\) gives each key's marker\)/g, "(list_api_keys with this marker finds it)"],
  [/apiKeys\.delete\(\[([\d, ]+)\]\)/g, "delete_api_keys (ids [$1])"],
];
const ARGUMENTS: Readonly<Record<string, string>> = {
  expiration: "expires_in_days",
  expiresAt: "expires_in_days",
  "options.expiresAt": "expires_in_days",
  "filter.expiresBefore": "expiring_within_days",
  "filter.roles": "roles",
  "filter.ids": "ids",
  securityLevel: "security_level",
  roles: "roles",
  comment: "comment",
  id: "id",
};

const inToolWords = (text: string) =>
  CLIENT_WORDS.reduce((result, [pattern, words]) => result.replace(pattern, words), text);

/** A validation error's message with the tool's argument for the client's field, where there is one. */
function validationMessage(error: XsiamError): string | undefined {
  const { field, reason } = error as unknown as { field?: unknown; reason?: unknown };
  if (typeof field !== "string" || typeof reason !== "string") return undefined;
  const argument = ARGUMENTS[field.replace(/\[\d+\]$/, "")];
  return argument === undefined ? undefined : `${argument} ${reason}`;
}

/**
 * A failed call, as a tool result with `isError` (never a protocol error, never a crash): the typed
 * error's name, message and hint as JSON strings. The client's messages hold no secret (its errors
 * redact keys and signatures in every encoding) and show the service's text already made visible;
 * other messages (a file system's) are escaped here.
 */
export function failure(error: unknown): CallToolResult {
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  const hint = (error as { hint?: unknown } | undefined)?.hint;
  const own = error instanceof XsiamError || error instanceof ToolError;
  const validation =
    error instanceof XsiamError && name === "XsiamValidationError" ? validationMessage(error) : undefined;
  const data = {
    error: {
      type: name,
      message: validation ?? (own ? inToolWords(message) : serviceText(message)),
      ...(typeof hint === "string" && { hint: own ? inToolWords(hint) : serviceText(hint) }),
      ...errorFields(error),
    },
  };
  return { isError: true, content: [{ type: "text", text: JSON.stringify(data, null, 2) }] };
}

/** Runs a tool's work; whatever it throws becomes an `isError` result, never a crash of the server. */
export async function guarded(work: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await work();
  } catch (error) {
    return failure(error);
  }
}

/** A signal that aborts when the call is cancelled by the MCP client or the server is stopping. */
export function callSignal(call: AbortSignal, server: AbortSignal | undefined): AbortSignal {
  return server ? AbortSignal.any([call, server]) : call;
}

/** Every run of this many characters or more of a secret is taken for it. */
const FRAGMENT = 16;

/** What text may be read as, beside itself: what a hostile service could dress a secret in. */
function readings(text: string): string[] {
  const found = [text];
  const add = (reading: string) => {
    if (reading !== text && !found.includes(reading)) found.push(reading);
  };
  // Escapes: percent (one byte each), \uXXXX, HTML character references.
  add(text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))));
  add(
    text.replace(/\\u([0-9A-Fa-f]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
  );
  add(
    text.replace(
      /&#(?:[xX]([0-9A-Fa-f]+)|(\d+));/g,
      (_, hex: string | undefined, decimal: string | undefined) =>
        String.fromCodePoint(Math.min(0x10ffff, hex ? Number.parseInt(hex, 16) : Number(decimal))),
    ),
  );
  // Look-alikes: fullwidth letters and the like (NFKC), with combining marks taken off.
  add(text.normalize("NFKD").replace(/\p{M}/gu, "").normalize("NFKC"));
  // Base64 of anything that holds the secret (a Basic credential, a token), from any offset.
  for (const run of text.match(/[A-Za-z0-9+/_-]{20,}/g) ?? []) {
    for (const offset of [0, 1, 2, 3]) add(Buffer.from(run.slice(offset), "base64").toString("latin1"));
  }
  // The letters and digits alone, forwards and backwards: separators, zero-width characters or
  // dashes put between the characters of a key do not hide it.
  for (const reading of [...found]) {
    const skeleton = reading.normalize("NFKC").replace(/[^A-Za-z0-9]/g, "");
    add(skeleton);
    add([...skeleton].reverse().join(""));
  }
  return found;
}

/**
 * Takes the server's own secrets (and the keys it minted) out of text a result holds. A run of 16
 * or more characters of a secret, of its base64, base64url or hexadecimal, is replaced where it
 * stands; text that holds one only when read another way (percent-encoded, `\u` escapes, HTML
 * references, look-alike letters, base64 at any offset, characters spread apart or reversed) is
 * replaced whole. A hostile service could put a key in a comment or an error; the client's
 * redaction covers only error bodies.
 */
export class SecretRedactor {
  readonly #pieces = new Set<string>();

  constructor(secrets: readonly string[] = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Adds a secret: a key the server minted, say. */
  add(secret: string): void {
    if (secret.length < FRAGMENT) return;
    const bytes = Buffer.from(secret, "utf8");
    const hex = bytes.toString("hex");
    for (const form of [
      secret,
      bytes.toString("base64"),
      bytes.toString("base64url"),
      hex,
      hex.toUpperCase(),
    ]) {
      for (let at = 0; at + FRAGMENT <= form.length; at++) this.#pieces.add(form.slice(at, at + FRAGMENT));
    }
    // Hexadecimal in any mix of cases, and the key's letters in either case (a host name).
    for (let at = 0; at + FRAGMENT <= secret.length; at++)
      this.#pieces.add(secret.slice(at, at + FRAGMENT).toLowerCase());
  }

  /** Whether a run of FRAGMENT characters is a piece of a secret (hexadecimal and letters in either case). */
  #isPiece(window: string): boolean {
    return this.#pieces.has(window) || this.#pieces.has(window.toLowerCase());
  }

  #holds(text: string): boolean {
    for (let at = 0; at + FRAGMENT <= text.length; at++)
      if (this.#isPiece(text.slice(at, at + FRAGMENT))) return true;
    return false;
  }

  /** `text` without any secret. */
  redact = (text: string): string => {
    if (this.#pieces.size === 0 || text.length < FRAGMENT) return text;
    const has = (window: string) => this.#isPiece(window);
    let result = "";
    let from = 0;
    for (let at = 0; at + FRAGMENT <= text.length; ) {
      if (!has(text.slice(at, at + FRAGMENT))) {
        at++;
        continue;
      }
      let end = at + FRAGMENT;
      while (end < text.length && has(text.slice(end - FRAGMENT + 1, end + 1))) end++;
      result += `${text.slice(from, at)}[redacted]`;
      from = end;
      at = end;
    }
    result += text.slice(from);
    // Held only when read another way: nothing of it can be shown safely.
    return readings(result).some((reading) => this.#holds(reading))
      ? "[redacted: it held a form of a key]"
      : result;
  };
}

/** `value` with `redact` applied to every string in it, at any depth. */
export function redactedValue(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactedValue(item, redact));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, redactedValue(item, redact)]),
    );
  }
  return value;
}

/** A result without the server's secrets, in its text and in its structured content. */
export function redactedResult(result: CallToolResult, redact: (text: string) => string): CallToolResult {
  const data =
    result.structuredContent === undefined
      ? undefined
      : (redactedValue(result.structuredContent, redact) as Record<string, unknown>);
  // A success's text is its summary line and its data: made again from the data without secrets,
  // so that a comment withheld there is withheld here too, and the rest shown.
  const content = result.content.map((item) => {
    if (item.type !== "text") return item;
    if (data === undefined || result.isError) return { ...item, text: redact(item.text) };
    const summary = item.text.slice(0, Math.max(0, item.text.indexOf("\n")));
    return { ...item, text: redact(`${summary}\n${JSON.stringify(data, null, 2)}`) };
  });
  // A key hidden across fields (a piece in each of several roles) shows only in the text as a
  // whole: then none of the result is given.
  if (content.some((item) => item.type === "text" && item.text.startsWith("[redacted: it held"))) {
    return {
      isError: true,
      content: [
        {
          type: "text",
          text: JSON.stringify({
            error: {
              type: "ToolError",
              message: "the result was withheld: the service's answer held a form of a key",
              hint: "look at the keys in the console, or with xsiam-keys; the service's data may have been tampered with",
            },
          }),
        },
      ],
    };
  }
  return { ...result, content, ...(data !== undefined && { structuredContent: data }) };
}
