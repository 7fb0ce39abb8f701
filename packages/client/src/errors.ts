// The error classes: what a caller catches and reads. Their messages are worded where they are
// built, in one place (internal/failures.ts, loaded when something fails).
import { XsiamError } from "@xsiam-sdk/auth";
import type { OperationId } from "./generated/spec-values.js";
import { capped, visible } from "./internal/text.js";

export { XsiamAuthError, XsiamError } from "@xsiam-sdk/auth";
/** The operations of this API, as named in the spec. */
export type { OperationId } from "./generated/spec-values.js";

/** How many attempts a call made (the last one is the one that failed) and how many it could have made. */
export interface Attempts {
  readonly attempts: number;
  readonly maxAttempts: number;
}

/**
 * ` [after 3 attempts]` for a call that was retried; nothing for one attempt, which must not read as
 * a call that stopped early. `attempts` and `maxAttempts` carry the counts either way.
 */
function attemptSuffix(details: Attempts | undefined): string {
  return details && details.attempts > 1 ? ` [after ${details.attempts} attempts]` : "";
}

/**
 * The service answered with an error status (or with a success status and a body that is not
 * the documented reply). Carries what the service said, parsed from any of its error envelopes,
 * and a `hint` on what to check.
 *
 * @example
 * catch (error) {
 *   if (error instanceof XsiamApiError && error.status === 401) console.error(error.hint);
 * }
 */
export class XsiamApiError extends XsiamError {
  override name: "XsiamApiError" = "XsiamApiError" as const;
  /** HTTP status of the response. */
  declare readonly status: number;
  /** The operation that failed. */
  declare readonly operation: OperationId;
  /** `err_code` from the body: usually the status as an integer, sometimes a string. */
  declare readonly errCode: number | string | undefined;
  /** `err_msg` from the body, cut to 2,000 characters. */
  declare readonly errMsg: string | undefined;
  /** `err_extra` from the body: details of any shape, or `null`. */
  declare readonly errExtra: unknown;
  /**
   * The raw body when it was not a JSON error envelope (an HTML page from a proxy, truncated
   * JSON, …), cut to 2,000 characters. Never set for a success status, whose body may hold a key.
   */
  declare readonly body: string | undefined;
  /** What to check for this kind of failure, when there is something useful to say. */
  declare readonly hint: string | undefined;
  /** Attempts made, the last one answered with this error. */
  declare readonly attempts: number | undefined;
  /** Attempts the retry policy allowed. */
  declare readonly maxAttempts: number | undefined;
  /**
   * The time the service's `Date` header gave, if it gave one: compare it with this machine's
   * clock when a 401 may be clock skew (advanced signatures are refused beyond about five minutes).
   */
  declare readonly serverDate: Date | undefined;

  constructor(details: {
    status: number;
    operation: OperationId;
    errCode?: number | string | undefined;
    errMsg?: string | undefined;
    errExtra?: unknown;
    body?: string | undefined;
    hint?: string | undefined;
    problem?: string | undefined;
    attempts?: Attempts | undefined;
    serverDate?: Date | undefined;
  }) {
    const said =
      details.errMsg === undefined ? (details.problem ?? "no error message") : visible(details.errMsg);
    super(
      `${details.operation} failed with HTTP ${details.status}: ${said}${details.hint ? `. ${details.hint}` : ""}` +
        attemptSuffix(details.attempts),
    );
    const { status, operation, errCode, errMsg, errExtra, body, hint, attempts, serverDate } = details;
    // Declared above, set here in one go (every field an own property, undefined when not given).
    Object.assign(this, {
      status,
      operation,
      errCode,
      errMsg: errMsg === undefined ? undefined : capped(errMsg),
      errExtra,
      body,
      hint,
      attempts: attempts?.attempts,
      maxAttempts: attempts?.maxAttempts,
      serverDate,
    });
  }
}

/**
 * Input that was rejected before any request was sent: `field` names it, `reason` says why.
 * Values are never echoed, since a key may be pasted into the wrong field.
 */
export class XsiamValidationError extends XsiamError {
  override name: "XsiamValidationError" = "XsiamValidationError" as const;
  /** The option, input field or environment variable that was wrong, e.g. `roles[1]`. */
  readonly field: string;
  /** Why it was rejected. */
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`@xsiam-sdk/client: ${field} ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

/** Options of the errors a call's transport throws. */
export interface TransportErrorOptions extends Attempts {
  /** The failure underneath: undici's error, or the signal's reason. */
  cause: unknown;
  /** What to check, when the failure has a usual cause. */
  hint?: string | undefined;
  /** Whether the failed attempt's request may have reached the service. @default false */
  requestSent?: boolean | undefined;
}

/** A failure of a call's transport: it carries the attempt counts and says them in its message. */
export abstract class XsiamTransportError extends XsiamError {
  /** Attempts made; the last one failed this way (0 if the call stopped before the first). */
  readonly attempts: number;
  /** Attempts the retry policy allowed. */
  readonly maxAttempts: number;

  /** What to check, when the failure has a usual cause. */
  readonly hint: string | undefined;
  /**
   * Whether the failed attempt's request may have reached the service: false when it failed before
   * anything was sent (a refused connection, DNS, a TLS handshake, waiting for the rate limit).
   */
  readonly requestSent: boolean;

  constructor(message: string, options: TransportErrorOptions) {
    super(`${message}${options.hint ? `. ${options.hint}` : ""}${attemptSuffix(options)}`, {
      cause: options.cause,
    });
    this.attempts = options.attempts;
    this.maxAttempts = options.maxAttempts;
    this.hint = options.hint;
    this.requestSent = options.requestSent ?? false;
  }
}

/**
 * The request could not be sent or its response not received in full (refused connection, DNS,
 * a connection closed mid-response…). `cause` is the underlying error.
 */
export class XsiamNetworkError extends XsiamTransportError {
  override name: "XsiamNetworkError" = "XsiamNetworkError" as const;
}

/** An attempt took longer than `timeoutMs` (response headers and body together) and was aborted. */
export class XsiamTimeoutError extends XsiamTransportError {
  override name: "XsiamTimeoutError" = "XsiamTimeoutError" as const;
  /** The limit that was exceeded, per attempt. */
  readonly timeoutMs: number;

  constructor(message: string, options: TransportErrorOptions & { timeoutMs: number }) {
    super(message, options);
    this.timeoutMs = options.timeoutMs;
  }
}

/** The caller's `signal` aborted the call (while sending, waiting to retry or waiting for the rate limit). */
export class XsiamAbortError extends XsiamTransportError {
  override name: "XsiamAbortError" = "XsiamAbortError" as const;
}

/** What became of the key a failed `generate` may have minted, as the client found out. */
export type GenerateOutcome =
  /** The service minted no key for the call: the client listed the keys and found none with its marker. */
  | { readonly kind: "none" }
  /** The service minted key `id`; the client deleted it (its secret never reached anyone). */
  | { readonly kind: "deleted"; readonly id: number }
  /** The service minted key `id`, and deleting it failed: it is a live key nobody holds; delete it. */
  | { readonly kind: "left"; readonly id: number; readonly reason: string }
  /**
   * The client could not find out: listing failed (`candidates` empty), or it could not single out
   * one key (`candidates` holds every key that may be the call's; none was deleted).
   */
  | { readonly kind: "unknown"; readonly reason: string; readonly candidates: readonly number[] };

/**
 * `generate` failed after the request may have reached the service (a timeout, a connection lost
 * after sending, a 5xx, a garbled reply), and the client found out what became of the key: the
 * message and `outcome` say it. The failure itself is the `cause`.
 *
 * @example
 * catch (error) {
 *   if (error instanceof XsiamGenerateError && error.outcome.kind === "left") alert(`delete key ${error.outcome.id}`);
 * }
 */
export class XsiamGenerateError extends XsiamError {
  override name: "XsiamGenerateError" = "XsiamGenerateError" as const;
  /** What became of the key. */
  declare readonly outcome: GenerateOutcome;
  /** The call's marker, e.g. `[xsiam-sdk:q3XvR8kLm2Pw9TzA]`: the key it names has it as its `marker` in `apiKeys.list()`. */
  declare readonly marker: string;
  /**
   * The markers of the call's attempts whose request may still mint a key after the call gave up
   * on it (its window closed with no key found), the last attempt's included when that is so. A
   * key that appears later with one of them is the call's, and nobody holds it.
   */
  declare readonly lateMarkers: readonly string[];
  /** Generate requests the call sent; each failed one was checked before the next. */
  declare readonly tries: number;

  constructor(details: {
    /** The message, which says the failure and the outcome in words. */
    message: string;
    cause: XsiamError;
    outcome: GenerateOutcome;
    marker: string;
    lateMarkers: readonly string[];
    tries: number;
  }) {
    super(details.message, { cause: details.cause });
    const { outcome, marker, lateMarkers, tries } = details;
    Object.assign(this, { outcome, marker, lateMarkers: Object.freeze([...lateMarkers]), tries });
  }
}

/** The steps of `apiKeys.rotate`, in order. */
export type RotateStep = "read" | "generate" | "hand-over" | "check" | "delete-old";

/**
 * Where a rotation left the keys: which exist, which one the caller holds, and what to delete to
 * finish or to clean up. `XsiamRotateError` carries it; every field is also said in its message.
 */
export interface RotationState {
  /** The key being replaced. It still exists: rotate deletes it only as its last step. */
  readonly oldId: number;
  /** The new key's id, when one was created and its id is known. */
  readonly newId: number | undefined;
  /**
   * Whether the new key exists on the tenant now, or may: a delete whose answer was lost may have
   * acted, and when the key could not be looked up either, the message says it "may still exist".
   */
  readonly newExists: boolean;
  /** The key the caller holds: the old one, or the new one where the hand-over stands. */
  readonly holds: number;
  /** Whether the hand-over stands: the new key is where `handOver` put it (not taken back). */
  readonly handedOver: boolean;
  /**
   * Keys to delete with `apiKeys.delete(toDelete)` (deleting is idempotent: a key that turns out to
   * be gone already is no error): a new key nobody holds, or the old key once the new one is in use.
   * Empty when nothing needs deleting, or when only a person can decide (both keys kept: the message
   * says which to delete when).
   */
  readonly toDelete: readonly number[];
  /**
   * When generate failed and the client could not single out the key it may have created: the
   * marker that key's comment carries, and the keys that may be it (none was deleted).
   */
  readonly lookFor: { readonly marker: string; readonly candidates: readonly number[] } | undefined;
}

/**
 * `apiKeys.rotate` failed or was stopped (`stopped`) at `step`, and undid what it could: the
 * fields (a `RotationState`) and the message say exactly where the keys stand and what, if
 * anything, to delete. `cause` is the failure.
 *
 * @example
 * catch (error) {
 *   if (error instanceof XsiamRotateError && error.toDelete.length > 0) await xsiam.apiKeys.delete(error.toDelete);
 * }
 */
export class XsiamRotateError extends XsiamError implements RotationState {
  override name: "XsiamRotateError" = "XsiamRotateError" as const;
  /** The step that failed, or during which the rotation was stopped. */
  declare readonly step: RotateStep;
  /** Whether the caller's `signal` stopped it (else a step failed). */
  declare readonly stopped: boolean;
  declare readonly oldId: number;
  declare readonly newId: number | undefined;
  declare readonly newExists: boolean;
  declare readonly holds: number;
  declare readonly handedOver: boolean;
  declare readonly toDelete: readonly number[];
  declare readonly lookFor: RotationState["lookFor"];

  /** What failed, in a few words; may quote the service's text. */
  declare readonly reason: string;
  /**
   * Where the keys stand, in the client's own words (no text of the service's): for a program that
   * shows it in its own wording, e.g. with its own command in place of `apiKeys.delete([…])`.
   */
  declare readonly summary: string;

  constructor(details: {
    step: RotateStep;
    stopped: boolean;
    /** The message: the step, the reason and the summary. */
    message: string;
    reason: string;
    summary: string;
    state: RotationState;
    cause: unknown;
  }) {
    super(details.message, { cause: details.cause });
    const { step, stopped, reason, summary, state } = details;
    const { oldId, newId, newExists, holds, handedOver, toDelete, lookFor } = state;
    // Declared above, set here in one go (a field list and a line per field cost bytes up front).
    Object.assign(
      this,
      { step, stopped, reason, summary, oldId, newId, newExists, holds, handedOver },
      {
        toDelete: Object.freeze([...toDelete]),
        lookFor: lookFor && { marker: lookFor.marker, candidates: Object.freeze([...lookFor.candidates]) },
      },
    );
  }
}
