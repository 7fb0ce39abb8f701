// What a tool call returns: text for the model and the same data as `structuredContent`. The
// service's text (comments, roles, user names, its error messages) only ever appears inside JSON
// strings, escaped with the client's `escapeText`: a hostile comment can neither pose as the
// server's own words nor break out of its string.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type ApiKeyInfo, escapeText, XsiamError } from "@xsiam-sdk/client";
import { z } from "zod";

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

/** A listed key, for a result: dates as ISO text, the service's text escaped. */
export function keyOut(key: ApiKeyInfo, now: number): KeyOut {
  return {
    id: key.id,
    securityLevel: key.securityLevel,
    roles: key.roles.map(escapeText),
    comment: key.comment === null ? null : escapeText(key.comment),
    marker: key.marker === null ? null : escapeText(key.marker),
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt ? key.expiresAt.toISOString() : null,
    expiresInDays: key.expiresAt ? Math.floor(((key.expiresAt.getTime() - now) / DAY) * 10) / 10 : null,
    createdBy: escapeText(key.createdBy),
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

/** A refusal or failure of the server's own, with what to do about it. */
export class ToolError extends Error {
  override name = "ToolError";
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super(message);
    this.hint = hint;
    this.details = details;
  }
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
  const data = {
    error: {
      type: name,
      message: own ? message : escapeText(message),
      ...(typeof hint === "string" && { hint: own ? hint : escapeText(hint) }),
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
