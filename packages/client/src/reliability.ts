import { described, ownCopy } from "@xsiam-sdk/auth";
import { XsiamValidationError } from "./errors.js";

/** Timeouts and retries: set on the client, overridable for one call. */
export interface RetryOptions {
  /**
   * Longest time one attempt may take, response body included; then it fails with
   * `XsiamTimeoutError` (and `delete` is retried). `Infinity` turns the timeout off.
   * @default 30_000
   */
  timeoutMs?: number | undefined;
  /**
   * Retries after a 429, 502, 503 or 504, a connection failure or (for `delete`) a timeout.
   * `generate` is retried only when the service cannot have acted: after a 429 or a connection
   * that failed before anything was sent.
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * The backoff: the n-th retry waits between half and all of `retryBaseDelayMs × 2^(n−1)`,
   * capped at `maxRetryDelayMs`, unless the response said how long with `Retry-After`.
   * @default 500
   */
  retryBaseDelayMs?: number | undefined;
  /**
   * The longest wait before a retry. A `Retry-After` longer than this is not waited for: the call
   * fails with the 429 instead.
   * @default 10_000
   */
  maxRetryDelayMs?: number | undefined;
}

/** Where the client reports what it does. Methods take a message and details; `console` fits. */
export interface XsiamLogger {
  /** Every attempt and every response. */
  debug?(message: string, details?: Readonly<Record<string, unknown>>): void;
  /** Retries, and calls that were not retried because the service may have acted. */
  warn?(message: string, details?: Readonly<Record<string, unknown>>): void;
}

/** What `onRequest` receives before each attempt is sent. Secret headers are redacted. */
export interface RequestEvent {
  readonly method: string;
  readonly url: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /**
   * The request's headers. `authorization`, `proxy-authorization` and cookies, and any value that
   * holds a secret of the call in any form, show as `[redacted]`.
   */
  readonly headers: Readonly<Record<string, string>>;
}

/** What `onResponse` receives after each attempt that got a response. */
export interface ResponseEvent {
  readonly method: string;
  readonly url: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly status: number;
  /** Time from sending the request to having the whole response body, to 0.1 ms. */
  readonly durationMs: number;
  /** The response's headers, redacted as the request's are (a gateway may echo `Authorization`). */
  readonly headers: Readonly<Record<string, string>>;
}

/** The retry policy with every value filled in. */
export type RetryPolicy = Required<{ [Key in keyof RetryOptions]: number }>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  timeoutMs: 30_000,
  maxRetries: 2,
  retryBaseDelayMs: 500,
  maxRetryDelayMs: 10_000,
};

export const RETRY_OPTIONS = ["timeoutMs", "maxRetries", "retryBaseDelayMs", "maxRetryDelayMs"] as const;
const MAX_RETRIES_LIMIT = 10;
// The longest delay a timer can take: a longer one fires after 1 ms instead (Node, browsers).
const MAX_TIMER_MS = 2_147_483_647;

/** `base` with the values `options` sets, each checked. Throws `XsiamValidationError`. */
/** Checks a delay option: unset, or a number of milliseconds from 0 to the longest timer. */
export function checkDelay(name: string, value: unknown): void {
  if (value !== undefined && !(typeof value === "number" && value >= 0 && value <= MAX_TIMER_MS)) {
    throw new XsiamValidationError(
      name,
      `must be a number from 0 to ${MAX_TIMER_MS} (got ${described(value)})`,
    );
  }
}

export function retryPolicy(base: RetryPolicy, options: RetryOptions | undefined, prefix = ""): RetryPolicy {
  if (options === undefined) return base;
  const { timeoutMs, maxRetries, retryBaseDelayMs, maxRetryDelayMs } = ownCopy(options, RETRY_OPTIONS);
  if (
    timeoutMs !== undefined &&
    !(
      typeof timeoutMs === "number" &&
      timeoutMs > 0 &&
      (timeoutMs <= MAX_TIMER_MS || timeoutMs === Number.POSITIVE_INFINITY)
    )
  ) {
    throw new XsiamValidationError(
      `${prefix}timeoutMs`,
      `must be a positive number up to ${MAX_TIMER_MS}, or Infinity (got ${described(timeoutMs)})`,
    );
  }
  if (
    maxRetries !== undefined &&
    !(Number.isInteger(maxRetries) && maxRetries >= 0 && maxRetries <= MAX_RETRIES_LIMIT)
  ) {
    throw new XsiamValidationError(
      `${prefix}maxRetries`,
      `must be an integer from 0 to ${MAX_RETRIES_LIMIT} (got ${described(maxRetries)})`,
    );
  }
  checkDelay(`${prefix}retryBaseDelayMs`, retryBaseDelayMs);
  checkDelay(`${prefix}maxRetryDelayMs`, maxRetryDelayMs);
  return {
    timeoutMs: timeoutMs ?? base.timeoutMs,
    maxRetries: maxRetries ?? base.maxRetries,
    retryBaseDelayMs: retryBaseDelayMs ?? base.retryBaseDelayMs,
    maxRetryDelayMs: maxRetryDelayMs ?? base.maxRetryDelayMs,
  };
}
