import { described } from "@xsiam-sdk/auth";
import { type Clock, systemClock } from "./clock.js";
import { XsiamAbortError, XsiamValidationError } from "./errors.js";

/** Paces requests to a tenant. Share one between clients that use the same tenant. */
export interface RateLimiter {
  /** Requests this limiter lets start in any one-second window. */
  readonly requestsPerSecond: number;
  /**
   * Resolves when one more request may start, in the order of the calls. Rejects with
   * `XsiamAbortError` if `signal` aborts first.
   */
  acquire(signal?: AbortSignal): Promise<void>;
}

const WINDOW_MS = 1_000;
const MAX_REQUESTS_PER_SECOND = 10_000;
// Requests are spaced as if the window were this much longer, so that jitter (the network's, or a
// busy event loop's between release and send) cannot put one request too many into a second as
// the service measures it. It costs a share of the nominal rate (`pnpm bench`, throughput, says how
// much); a 429 and its retry cost more.
const JITTER_MARGIN_MS = 100;

/** Options of `createRateLimiter`. */
export interface RateLimiterOptions {
  /** The clock its waits run on: inject a fake one in tests. @default the system's */
  clock?: Clock | undefined;
}

/**
 * A limiter that lets at most `requestsPerSecond` requests start in any one-second window; the
 * rest wait, first come first served. The service allows 10 per second per tenant, across all
 * endpoints and all clients: clients that share a tenant should share one limiter.
 *
 * @default requestsPerSecond 10
 * @example
 * const tenantLimit = createRateLimiter(10);
 * const ci = createXsiamClient({ ...tenant, apiKey: ciKey, apiKeyId: 1, rateLimit: tenantLimit });
 * const ops = createXsiamClient({ ...tenant, apiKey: opsKey, apiKeyId: 2, rateLimit: tenantLimit });
 */
export function createRateLimiter(requestsPerSecond = 10, options: RateLimiterOptions = {}): RateLimiter {
  const clock = clockOf(options);
  // Bounded: the limiter keeps one slot per request of a window, and the service allows 10.
  if (
    !Number.isInteger(requestsPerSecond) ||
    requestsPerSecond < 1 ||
    requestsPerSecond > MAX_REQUESTS_PER_SECOND
  ) {
    throw new XsiamValidationError(
      "rateLimit",
      `must be an integer from 1 to ${MAX_REQUESTS_PER_SECOND} (got ${described(requestsPerSecond)})`,
    );
  }
  // When the last `requestsPerSecond` requests were let through, oldest at `oldest`: the next one
  // may go one window after the one `requestsPerSecond` places before it. Times are taken when a
  // request is actually let through, not when it asked, so a late timer (a busy event loop)
  // delays the requests after it instead of letting two windows bunch up.
  const released = new Array<number>(requestsPerSecond).fill(Number.NEGATIVE_INFINITY);
  let oldest = 0;
  const queue: Array<{ resolve: () => void; signal: AbortSignal | undefined; onAbort: () => void }> = [];
  // The timer that will run `pump`, if any: at most one is pending, and none once the queue is
  // empty (after aborts too), so that a limiter nobody waits on never keeps the process alive.
  let timer: unknown;

  const nextAllowed = () => (released[oldest] ?? Number.NEGATIVE_INFINITY) + WINDOW_MS + JITTER_MARGIN_MS;
  const letThrough = (now: number) => {
    released[oldest] = now;
    oldest = (oldest + 1) % requestsPerSecond;
  };
  const schedule = (delay: number) => {
    timer = clock.setTimeout(pump, delay);
  };
  const pump = () => {
    timer = undefined;
    while (queue.length > 0) {
      const now = clock.now();
      const allowed = nextAllowed();
      if (allowed > now) {
        schedule(allowed - now);
        return;
      }
      const waiter = queue.shift();
      if (!waiter) return;
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      letThrough(now);
      waiter.resolve();
    }
  };

  return {
    requestsPerSecond,
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      const now = clock.now();
      if (queue.length === 0 && nextAllowed() <= now) {
        letThrough(now);
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          resolve,
          signal,
          onAbort: () => {
            // Leaving the queue frees the place for the requests behind.
            queue.splice(queue.indexOf(waiter), 1);
            if (queue.length === 0) {
              clock.clearTimeout(timer);
              timer = undefined;
            }
            reject(abortError(signal as AbortSignal));
          },
        };
        signal?.addEventListener("abort", waiter.onAbort, { once: true });
        queue.push(waiter);
        if (timer === undefined) schedule(Math.max(0, nextAllowed() - now));
      });
    },
  };
}

/** The clock of `options`, checked. */
export function clockOf(options: { clock?: Clock | undefined } | undefined, field = "clock"): Clock {
  const clock = options === undefined || !Object.hasOwn(options, "clock") ? undefined : options.clock;
  if (clock === undefined) return systemClock;
  if (
    typeof clock !== "object" ||
    clock === null ||
    typeof clock.now !== "function" ||
    typeof clock.setTimeout !== "function" ||
    typeof clock.clearTimeout !== "function"
  ) {
    throw new XsiamValidationError(
      field,
      `must be a Clock: { now, setTimeout, clearTimeout } (got ${described(clock)})`,
    );
  }
  return clock;
}

function abortError(signal: AbortSignal): XsiamAbortError {
  return new XsiamAbortError("aborted while waiting for the rate limit", {
    cause: signal.reason,
    attempts: 0,
    maxAttempts: 0,
  });
}
