// A clock for tests of timing: the client's waits (rate-limit slots, retry backoff, timeouts) run
// on it, and the test moves time, so that schedules are asserted exactly and nothing waits for real.

/** The clock interface of @xsiam-sdk/client, repeated here so that test-support does not depend on it. */
export interface FakeClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Timers not yet run. */
  pending(): number;
  /**
   * Moves time forward by `ms`: every timer that comes due runs, in order of its time (then of its
   * scheduling), with time set to its due time, and what it starts gets a turn before the next.
   */
  advance(ms: number): Promise<void>;
  /**
   * Runs the clock until `work` settles: lets real I/O (a request to a local server) go on, and
   * whenever nothing else is left to do, moves time to the next timer. Give the calls under test no
   * timeout (`timeoutMs: Infinity`) when they do real I/O, or a timeout could come due while a
   * request is still on its way. Rejects after `maxSteps` timers, so that a test cannot spin forever.
   */
  run<T>(work: Promise<T>, options?: { maxSteps?: number }): Promise<T>;
}

interface Timer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

/** One turn of the event loop: promise chains and I/O callbacks that are ready get to run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A fake clock starting at `start` (epoch milliseconds). */
export function createFakeClock(start = 1_700_000_000_000): FakeClock {
  let now = start;
  let order = 0;
  const timers = new Set<Timer>();
  const next = (): Timer | undefined => {
    let first: Timer | undefined;
    for (const timer of timers) {
      if (!first || timer.at < first.at || (timer.at === first.at && timer.order < first.order))
        first = timer;
    }
    return first;
  };
  const fire = async (timer: Timer) => {
    timers.delete(timer);
    now = Math.max(now, timer.at);
    timer.callback();
    for (let index = 0; index < 3; index++) await turn();
  };

  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { at: now + Math.max(0, ms), order: order++, callback };
      timers.add(timer);
      return timer;
    },
    clearTimeout(handle) {
      timers.delete(handle as Timer);
    },
    pending: () => timers.size,
    async advance(ms) {
      const until = now + ms;
      for (let timer = next(); timer && timer.at <= until; timer = next()) await fire(timer);
      now = until;
    },
    async run(work, { maxSteps = 10_000 } = {}) {
      let settled = false;
      const watched = work.finally(() => {
        settled = true;
      });
      // Unhandled until awaited below: a rejection of `work` is the caller's to see.
      watched.catch(() => undefined);
      for (let steps = 0; !settled; ) {
        // Real I/O first: a request on its way to a local server, or its answer.
        for (let idle = 0; idle < 5 && !settled; idle++) {
          await turn();
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        if (settled) break;
        const timer = next();
        if (!timer) continue;
        if (++steps > maxSteps)
          throw new Error(`the fake clock ran ${maxSteps} timers and the work is not done`);
        await fire(timer);
      }
      return watched;
    },
  };
}
