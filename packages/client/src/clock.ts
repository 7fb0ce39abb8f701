/**
 * Time, as the client waits on it: the rate limiter's slots, the pause before a retry, a call's
 * timeout. The system's by default; inject a fake one (`createXsiamClient({ clock })`,
 * `createRateLimiter(10, { clock })`) to run those waits on fake time in tests, with exact schedules.
 */
export interface Clock {
  /** The current time in epoch milliseconds. */
  now(): number;
  /** Calls `callback` after `ms` milliseconds; returns what `clearTimeout` takes to cancel it. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a callback that `setTimeout` scheduled and that has not run yet. */
  clearTimeout(handle: unknown): void;
}

/** The system's clock: `Date.now`, and the platform's timers. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
});

/** Waits `ms` on `clock`. If `signal` aborts first, rejects with the signal's reason and cancels the wait. */
export function sleep(ms: number, signal: AbortSignal | undefined, clock: Clock): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
