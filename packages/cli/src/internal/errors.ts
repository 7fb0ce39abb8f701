import {
  escapeText,
  XsiamApiError,
  XsiamError,
  XsiamGenerateError,
  XsiamValidationError,
} from "@xsiam-sdk/client";

/** The exit codes, as `--help` and the README document them. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** A usage error, invalid input, or a refusal: nothing was sent, or nothing was changed. */
  usage: 1,
  /** Authentication or permission: the service answered 401 or 403. */
  auth: 2,
  /** Any other failure of the service or the network. */
  failure: 3,
  /** A rotation left in a state that needs attention; the message says what to do. */
  attention: 4,
  /** `audit` found keys that need attention (expired, expiring, never expiring, too old). */
  findings: 5,
  /** Stopped by Ctrl-C (SIGINT), after finishing or undoing the step it was in: 128 + 2. */
  sigint: 130,
  /** Stopped by SIGTERM, after finishing or undoing the step it was in: 128 + 15. */
  sigterm: 143,
  /** Stopped by SIGHUP (a closed terminal), the same way: 128 + 1. */
  sighup: 129,
} as const;

/** The reason a run was stopped by a signal: what the bin aborts its signal with. */
export class Interrupt extends Error {
  override name = "Interrupt";
  readonly signal: "SIGINT" | "SIGTERM" | "SIGHUP";
  readonly exitCode: number;

  constructor(signal: "SIGINT" | "SIGTERM" | "SIGHUP") {
    super(`stopped by ${signal === "SIGINT" ? "Ctrl-C (SIGINT)" : signal}`);
    this.signal = signal;
    this.exitCode = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm, SIGHUP: EXIT.sighup }[signal];
  }
}

/** A failure the tool reports itself, with the exit code it means. */
export class CliError extends Error {
  readonly exitCode: number;
  /** What to do about it, on a line of its own. */
  readonly hint: string | undefined;

  constructor(message: string, exitCode: number = EXIT.usage, hint?: string) {
    super(message);
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** The status an error amounts to at the service, looking through an `XsiamGenerateError` to its cause. */
function statusOf(error: unknown): number | undefined {
  const failure = error instanceof XsiamGenerateError ? error.cause : error;
  return failure instanceof XsiamApiError ? failure.status : undefined;
}

/** The exit code for an error from a command. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError || error instanceof Interrupt) return error.exitCode;
  const name = error instanceof Error ? error.name : "";
  if (name === "XsiamValidationError" || name === "XsiamAuthError") return EXIT.usage;
  const status = statusOf(error);
  return status === 401 || status === 403 ? EXIT.auth : EXIT.failure;
}

/** The hint an error carries, if any. */
export function hintOf(error: unknown): string | undefined {
  if (error instanceof CliError) return error.hint;
  const hint = (error as { hint?: unknown } | undefined)?.hint;
  return typeof hint === "string" ? hint : undefined;
}

/**
 * A value the user typed, for a message: quoted (and escaped) when it is short and plain, else only
 * described. A value that may be a key pasted in the wrong place (long, or a run of letters and
 * digits) is never echoed: messages end up in terminals' scrollback and CI logs.
 */
export function typed(value: unknown): string {
  const text = String(value);
  if (text.length > 24 || /[A-Za-z0-9]{16,}/.test(text)) return `a value of ${text.length} characters`;
  return `"${escapeText(text).replaceAll('"', '\\"')}"`;
}

/** A path the user gave, for a message: as typed, unless it looks like a key pasted in its place. */
export function pathShown(path: string): string {
  const keyLike = /^[A-Za-z0-9+/=_-]{20,}$/.test(path.trim()) || /[A-Za-z0-9+=_-]{32,}/.test(path);
  return keyLike ? typed(path) : escapeText(path);
}

// The client's words for what a person at a shell gives or runs: its operations, its options (set
// here by XSIAM_* variables) and its input fields (set by flags).
const OPERATION_WORDS: Readonly<Record<string, string>> = {
  getApiKeys: "listing keys",
  generateApiKey: "generating a key",
  deleteApiKeys: "deleting keys",
};
const OPTION_VARIABLES: Readonly<Record<string, string>> = {
  apiKeyId: "XSIAM_API_KEY_ID",
  apiKey: "XSIAM_API_KEY",
  baseUrl: "XSIAM_BASE_URL",
  fqdn: "XSIAM_FQDN",
  securityLevel: "XSIAM_SECURITY_LEVEL",
  childTenantId: "XSIAM_CHILD_TENANT_ID",
  settleMs: "XSIAM_SETTLE_MS",
};
const FIELD_FLAGS: Readonly<Record<string, string>> = {
  expiration: "--expires",
  roles: "--role",
  comment: "--comment",
  securityLevel: "--level",
  "filter.roles": "--role",
  "filter.ids": "--id",
  "filter.expiresBefore": "--expiring-within",
  ...OPTION_VARIABLES,
};

/**
 * An error's message and hint in the tool's words: the client's operation names, options and
 * input fields become what the person typed or set (`getApiKeys failed` → `listing keys failed`,
 * `apiKeyId` → `XSIAM_API_KEY_ID`, `expiration` → `--expires`). Only the client's own words are
 * rewritten: the hint, the operation at the start, the field of a validation error; the service's
 * text inside a message is data and stays as it is.
 */
export function inToolWords(error: unknown): { message: string; hint: string | undefined } {
  const message = error instanceof Error ? error.message : String(error);
  const hint = hintOf(error);
  if (!(error instanceof XsiamError)) return { message, hint };
  if (error instanceof XsiamValidationError) {
    const field = error.field.replace(/\[\d+\]$/, "");
    const flag = FIELD_FLAGS[field] ?? (/^XSIAM_[A-Z_]+$/.test(field) ? field : undefined);
    return { message: flag ? `${flag} ${error.reason}` : message, hint };
  }
  // A name on its own, not part of a host or a URL the hint quotes (a redirect's target, say).
  const names = new RegExp(`(?<![\\w./:-])(${Object.keys(OPTION_VARIABLES).join("|")})(?![\\w./:-])`, "g");
  const ownHint = hint?.replace(names, (name) => OPTION_VARIABLES[name] ?? name);
  const body =
    hint !== undefined && message.endsWith(hint) ? `${message.slice(0, -hint.length)}${ownHint}` : message;
  return {
    message: body.replace(
      /^(getApiKeys|generateApiKey|deleteApiKeys)\b/,
      (name) => OPERATION_WORDS[name] ?? name,
    ),
    hint: ownHint,
  };
}
