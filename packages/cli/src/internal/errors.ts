import { XsiamApiError, XsiamGenerateError } from "@xsiam-sdk/client";

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
  return JSON.stringify(text);
}
