/** The key endpoints, by what they do. */
export type Operation = "generate" | "delete" | "list";

/**
 * What the tenant does wrong on one call.
 * - `refuse`: answers `status` before acting: no key is minted or deleted. 429, 502 and 503 are
 *   what a busy service or proxy answers; 401 and 403 the service's own refusals, for a test that
 *   needs one for a key that would otherwise be accepted.
 * - `drop-after`: acts (mints, deletes, lists), then closes the connection without an answer.
 * - `error-after`: acts, then answers `status` (500 unless given) instead of its reply.
 * - `delay-after`: acts, then answers only after `ms` (longer than a client's timeout, say).
 * - `act-later`: a service still working after the client gave up. Holds the request, acts
 *   `afterMs` after it arrived and answers `answerMs` after it arrived (with `status`, 504 say, a
 *   gateway that stopped waiting, instead of the reply when given), whatever the client did
 *   meanwhile: a client that timed out or hung up does not stop the key being minted.
 *   `tenant.idle()` resolves once every such request has acted.
 */
export type Fault =
  | { readonly kind: "refuse"; readonly status: 401 | 403 | 429 | 502 | 503 }
  | { readonly kind: "drop-after" }
  | { readonly kind: "error-after"; readonly status?: 500 | 502 | 503 | 504 }
  | { readonly kind: "delay-after"; readonly ms: number }
  | {
      readonly kind: "act-later";
      readonly afterMs: number;
      readonly answerMs: number;
      readonly status?: 504;
    };

/** Which calls a fault is for: the next `times` calls of the operation, or the calls numbered in `calls`. */
export type FaultSchedule = { readonly times?: number } | { readonly calls: readonly number[] };

/** Injects faults into a fake tenant, per operation and per call. */
export interface FaultControl {
  /**
   * Makes the tenant misbehave on calls of `operation`: by default the next one. Calls are numbered
   * from 1 for each operation, counting every request the tenant took (not those it rate limited).
   *
   * @example
   * tenant.faults.inject("generate", { kind: "drop-after" });                // the next generate
   * tenant.faults.inject("generate", { kind: "error-after" }, { calls: [3, 7] });
   * tenant.faults.inject("list", { kind: "refuse", status: 502 }, { times: 2 });
   */
  inject(operation: Operation, fault: Fault, schedule?: FaultSchedule): void;
  /** Removes every fault not yet used. */
  clear(): void;
  /** How many calls of each operation the tenant has taken so far. */
  calls(): Readonly<Record<Operation, number>>;
}

/** The fault control, and what the tenant asks of it for each call. */
export function createFaults(): FaultControl & { next(operation: Operation): Fault | undefined } {
  const counts: Record<Operation, number> = { generate: 0, delete: 0, list: 0 };
  let planned: Array<{ operation: Operation; fault: Fault; calls?: Set<number>; left?: number }> = [];
  return {
    inject(operation, fault, schedule = {}) {
      if ("calls" in schedule) {
        planned.push({ operation, fault, calls: new Set(schedule.calls) });
      } else {
        const { times = 1 } = schedule;
        if (!Number.isInteger(times) || times < 1) {
          throw new TypeError(`@xsiam-sdk/testing: times must be a positive integer (got ${String(times)})`);
        }
        planned.push({ operation, fault, left: times });
      }
    },
    clear() {
      planned = [];
    },
    calls: () => ({ ...counts }),
    next(operation) {
      const call = ++counts[operation];
      const plan = planned.find(
        (entry) =>
          entry.operation === operation && (entry.calls ? entry.calls.has(call) : (entry.left ?? 0) > 0),
      );
      if (!plan) return undefined;
      if (plan.left !== undefined) plan.left--;
      // Drop what can no longer apply: used-up counts, and call numbers already past.
      planned = planned.filter((entry) =>
        entry.calls ? [...entry.calls].some((n) => n > counts[entry.operation]) : (entry.left ?? 0) > 0,
      );
      return plan.fault;
    },
  };
}
