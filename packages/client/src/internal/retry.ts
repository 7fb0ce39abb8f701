import type { RetryPolicy } from "../reliability.js";

/** How an attempt ended without a response to hand over. */
export type Failure =
  /** The caller's signal aborted it. */
  | "aborted"
  /** It took longer than `timeoutMs`. */
  | "timeout"
  /** The connection failed before any byte of the request left (refused, DNS): safe to repeat. */
  | "not-sent"
  /** The TLS handshake failed: nothing was sent, and trying again would fail again. */
  | "tls"
  /** Nothing was sent, and trying again would fail again: the host name does not exist, or fetch refuses the port. */
  | "unreachable"
  /** The connection failed after the request may have left. */
  | "network"
  /** The body exceeded `MAX_RESPONSE_BYTES`. */
  | "too-large";

/** What an attempt came to, as far as retrying is concerned. */
export type AttemptResult = { status: number; retryAfter: string | null } | { failure: Failure };

/** After an attempt: wait `waitMs` and try again, or stop (saying why, when a retry was declined). */
export type NextStep = { retry: true; waitMs: number } | { retry: false; declined?: string };

// Statuses that say the request was not handled, this time.
const TRANSIENT = new Set([429, 502, 503, 504]);

/**
 * Whether to try again. A request is repeated only when repeating it is harmless: always after a
 * 429 (the service turned it away) or a connection that failed before anything was sent; after a
 * 502/503/504, a timeout or a connection lost mid-way only if the endpoint is idempotent.
 */
export function nextStep(
  result: AttemptResult,
  attempt: number,
  policy: RetryPolicy,
  idempotent: boolean,
  random: () => number,
  now: number,
): NextStep {
  const canRetry = attempt <= policy.maxRetries;
  if ("status" in result) {
    if (!TRANSIENT.has(result.status) || !canRetry) return { retry: false };
    if (result.status !== 429 && !idempotent) return { retry: false, declined: "the service may have acted" };
    const waitMs = retryDelay(result.retryAfter, attempt, policy, random, now);
    return waitMs === undefined
      ? { retry: false, declined: "Retry-After is too long" }
      : { retry: true, waitMs };
  }
  const { failure } = result;
  const repeatable =
    failure === "not-sent" || ((failure === "timeout" || failure === "network") && idempotent);
  if (!canRetry || !repeatable) return { retry: false };
  return { retry: true, waitMs: retryDelay(null, attempt, policy, random, now) ?? 0 };
}

// An HTTP date as servers send it: "Sun, 06 Nov 1994 08:49:37 GMT" (or the older
// "Sunday, 06-Nov-94 08:49:37 GMT").
const HTTP_DATE = /^\s*[A-Z][a-z]+, .+ GMT\s*$/;

/**
 * The wait before retry number `attempt`: what `Retry-After` asks for if it is given and within
 * `maxRetryDelayMs` (`undefined` if it is longer: no retry), else exponential backoff with
 * equal jitter: between half and all of `retryBaseDelayMs × 2^(attempt−1)`, capped.
 */
export function retryDelay(
  retryAfter: string | null,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  now: number,
): number | undefined {
  if (retryAfter !== null) {
    // Seconds, or an HTTP date (a day name first, GMT last): anything else is no answer,
    // not a date Date.parse would guess from it ("-5", "foo 1") and so no wait at all.
    const asked = /^\s*\d+\s*$/.test(retryAfter)
      ? Number(retryAfter) * 1_000
      : HTTP_DATE.test(retryAfter)
        ? Date.parse(retryAfter) - now
        : Number.NaN;
    if (!Number.isNaN(asked)) {
      const wait = Math.max(0, asked);
      return wait <= policy.maxRetryDelayMs ? wait : undefined;
    }
  }
  const ceiling = Math.min(policy.maxRetryDelayMs, policy.retryBaseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
