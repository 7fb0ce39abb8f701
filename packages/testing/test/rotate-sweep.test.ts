// The rotation invariant, swept: every step × every fault the fake tenant can produce (once, or on
// every call from then on) × every hand-over outcome × a stop at every step. After each run:
// - the caller holds a working key: the key its store holds exists on the tenant;
// - the tenant holds no key that nobody holds, unless the error names it (in its fields and its
//   message), or the result does (an old key kept);
// - what the error or result says is so (which key the caller holds, which keys exist);
// - no secret is in any printed form of the error.
// Runs go several at a time (each against its own tenant), on short timeouts, so that the sweep
// stays well under a minute.
import { inspect } from "node:util";
import {
  type HandOver,
  type RotateResult,
  type RotateStep,
  XsiamRotateError,
  XsiamValidationError,
} from "@xsiam-sdk/client";
import { expect, test } from "vitest";
import { createFakeTenant, type Fault, type FaultSchedule, type Operation } from "../src/index.js";
import { clientOf } from "./helpers.js";

const DAY = 86_400_000;
// A reply delayed past the client's timeout: the tenant has acted, the client does not know it.
// Only runs with that fault have a short timeout: elsewhere a loaded machine must never make a reply
// miss it, or the client could give up on a request the tenant has not even read yet, which
// "act later" (a late mint after the client's check) is about, not this sweep.
const TIMEOUT_MS = 1_500;
const DELAY_MS = 1_800;
const RELAXED_TIMEOUT_MS = 30_000;
// A service still working after the client gave up ("act later"): it acts after the client's
// timeout (or after a gateway's 504) and answers later still. Those runs wait for a key that may
// still be minted (settleMs), as a client does by default, over a window well past the late act.
const ACT_LATER_TIMEOUT_MS = 300;
const SETTLE_MS = 3_000;
// Most of a run is waiting on those timeouts: many runs at once keep the sweep short.
const PARALLEL = 32;

const FAULTS: ReadonlyArray<[string, Fault]> = [
  ["401", { kind: "refuse", status: 401 }],
  ["403", { kind: "refuse", status: 403 }],
  ["429", { kind: "refuse", status: 429 }],
  ["503 before acting", { kind: "refuse", status: 503 }],
  ["drop after acting", { kind: "drop-after" }],
  ["500 after acting", { kind: "error-after", status: 500 }],
  ["reply after the timeout", { kind: "delay-after", ms: DELAY_MS }],
  ["acts after the timeout", { kind: "act-later", afterMs: 700, answerMs: 1_000 }],
  ["504, then acts", { kind: "act-later", afterMs: 500, answerMs: 100, status: 504 }],
];
/** Where a fault hits: the call of each step, when the steps before it went well. */
const TARGETS: ReadonlyArray<{ step: string; operation: Operation; call: number }> = [
  { step: "read", operation: "list", call: 1 },
  { step: "generate", operation: "generate", call: 1 },
  { step: "check", operation: "list", call: 2 },
  { step: "delete (the old key, or the new one when undoing)", operation: "delete", call: 1 },
];
const PERSISTENCE = ["once", "from then on"] as const;
const HAND_OVERS = ["can be undone", "cannot be undone", "throws", "undo throws"] as const;
const STOPS: ReadonlyArray<RotateStep | "during the hand-over" | undefined> = [
  undefined,
  "read",
  "generate",
  "hand-over",
  "during the hand-over",
  "check",
  "delete-old",
];

type Scenario = {
  fault: [string, Fault] | undefined;
  target: (typeof TARGETS)[number];
  persistence: (typeof PERSISTENCE)[number];
  handOver: (typeof HAND_OVERS)[number];
  stop: (typeof STOPS)[number];
};

/**
 * Every step × every fault × every hand-over outcome × a stop at every step (or none). A fault that
 * goes on from then on is tried without a stop: what a stop does does not depend on how long the
 * service keeps failing, and the product of both would double the runs for nothing.
 */
function* scenarios(): Generator<Scenario> {
  for (const handOver of HAND_OVERS) {
    for (const stop of STOPS) {
      yield {
        fault: undefined,
        target: TARGETS[0] as Scenario["target"],
        persistence: "once",
        handOver,
        stop,
      };
      for (const fault of FAULTS)
        for (const target of TARGETS)
          for (const persistence of PERSISTENCE) {
            if (persistence === "once" || stop === undefined)
              yield { fault, target, persistence, handOver, stop };
          }
    }
  }
}

const describe = (s: Scenario) =>
  `${s.fault ? `${s.fault[0]} at ${s.target.step} (${s.persistence})` : "no fault"}; hand-over ${s.handOver}; ${s.stop ? `stopped at ${s.stop}` : "not stopped"}`;

/** One rotation under `scenario`; the invariant's violations, if any. */
async function run(scenario: Scenario): Promise<string[]> {
  const tenant = await createFakeTenant({ rateLimit: false });
  try {
    const old = tenant.addKey({
      roles: ["Viewer"],
      comment: "export job",
      expiration: Date.now() + 10 * DAY,
    });
    const secrets = new Set([tenant.rootKey.key, old.key]);
    // What the caller holds: one key, as a vault or a file would.
    let store = { id: old.id, key: old.key };
    const controller = new AbortController();
    const handOver: HandOver = async (key, { signal }) => {
      secrets.add(key.key);
      if (scenario.stop === "during the hand-over") controller.abort(new Error("stop"));
      if (scenario.handOver === "throws") throw new Error(`the vault refused the write of ${key.key}`);
      const previous = store;
      store = { id: key.id, key: key.key };
      expect(signal).toBeInstanceOf(AbortSignal);
      if (scenario.handOver === "cannot be undone") return undefined;
      return {
        undo: async () => {
          if (scenario.handOver === "undo throws") throw new Error("the vault is down");
          store = previous;
        },
      };
    };
    if (scenario.fault) {
      const { operation, call } = scenario.target;
      const schedule: FaultSchedule =
        scenario.persistence === "once"
          ? { calls: [call] }
          : { calls: Array.from({ length: 40 }, (_, index) => call + index) };
      tenant.faults.inject(operation, scenario.fault[1], schedule);
    }
    const fault = scenario.fault?.[1];
    const actsLater = fault?.kind === "act-later";
    const xsiam = clientOf(tenant, tenant.rootKey, {
      timeoutMs:
        fault?.kind === "delay-after"
          ? TIMEOUT_MS
          : actsLater && fault.status === undefined
            ? ACT_LATER_TIMEOUT_MS
            : RELAXED_TIMEOUT_MS,
      // The other faults have acted on the tenant before they answer, so one check is exact.
      settleMs: actsLater ? SETTLE_MS : 0,
      maxRetries: 1,
      retryBaseDelayMs: 1,
      maxRetryDelayMs: 5,
      rateLimit: false,
    });
    let outcome: RotateResult | unknown;
    try {
      outcome = await xsiam.apiKeys.rotate(old.id, {
        handOver,
        signal: controller.signal,
        checkDelayMs: 1,
        onProgress: (event) => {
          if (event.kind === "step" && event.step === scenario.stop) controller.abort(new Error("stop"));
        },
      });
    } catch (error) {
      outcome = error;
    }

    // Whatever the tenant still had to do (a late act) is done before the invariant is checked.
    await tenant.idle();
    const violations: string[] = [];
    const onTenant = new Map(tenant.keys().map((key) => [key.id, key]));
    const says = (text: string) => violations.push(text);
    if (!onTenant.has(store.id)) says(`the caller holds key ${store.id}, which no longer exists`);
    const orphans = [...onTenant.keys()].filter((id) => id !== tenant.rootKey.id && id !== store.id);

    if (outcome instanceof XsiamRotateError) {
      const error = outcome;
      const printed = [
        error.message,
        String(error),
        JSON.stringify(error),
        inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      ].join("\n");
      for (const secret of secrets) if (printed.includes(secret)) says("a secret is in the error");
      if (error.holds !== store.id)
        says(`the error says the caller holds key ${error.holds}, it holds ${store.id}`);
      if (error.stopped !== controller.signal.aborted) says(`stopped is ${error.stopped}`);
      // "may still exist": a delete whose answer was lost, and a look-up that failed too.
      const unsure = (id: number) =>
        new RegExp(
          `key ${id} (?:was created and )?could not be deleted(?: \\(.*?\\))?(?: and may still exist|, though the service may still delete it)`,
        ).test(error.message);
      if (
        error.newId !== undefined &&
        error.newExists !== onTenant.has(error.newId) &&
        !unsure(error.newId)
      ) {
        says(`the error says key ${error.newId} ${error.newExists ? "exists" : "is gone"}; it is not so`);
      }
      for (const id of error.toDelete) {
        if (!onTenant.has(id) && !unsure(id)) says(`toDelete names key ${id}, which is gone`);
      }
      for (const id of orphans) {
        const comment = onTenant.get(id)?.comment ?? "";
        const inFields =
          error.toDelete.includes(id) ||
          id === error.oldId ||
          (id === error.newId && error.newExists) ||
          (error.lookFor !== undefined &&
            (error.lookFor.candidates.includes(id) || comment.includes(error.lookFor.marker)));
        const inMessage =
          new RegExp(`\\bkeys? (?:\\d+, )*${id}\\b`).test(error.message) ||
          (error.lookFor !== undefined && error.message.includes(error.lookFor.marker));
        if (!inFields || !inMessage)
          says(`key ${id} exists, nobody holds it, and the error does not name it`);
      }
    } else if (outcome instanceof Error) {
      says(`not an XsiamRotateError: ${outcome.name}: ${outcome.message}`);
    } else {
      const result = outcome as RotateResult;
      if (controller.signal.aborted && scenario.stop !== "delete-old") says("stopped, and yet it resolved");
      if (store.id !== result.newId)
        says(`the result says key ${result.newId}, the caller holds ${store.id}`);
      if (result.oldDeleted === onTenant.has(old.id))
        says(`oldDeleted is ${result.oldDeleted}; it is not so`);
      for (const id of orphans) if (id !== result.oldId) says(`key ${id} exists, and nobody holds it`);
    }
    const said = outcome instanceof Error ? ` [${outcome.message}]` : ` [${JSON.stringify(outcome)}]`;
    return violations.map((text) => `${describe(scenario)}: ${text}${said}`);
  } finally {
    await tenant.close();
  }
}

test("rotate() keeps the invariant under every fault, hand-over outcome and stop", async () => {
  const all = [...scenarios()];
  const violations: string[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < all.length) {
        const scenario = all[next++] as Scenario;
        violations.push(...(await run(scenario)));
      }
    }),
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `rotate sweep: ${all.length} runs (${FAULTS.length} faults × ${TARGETS.length} steps, and no fault, × ${HAND_OVERS.length} hand-over outcomes × ${STOPS.length} stop points; each fault also from then on, without a stop), ${violations.length} violations, ${seconds} s`,
  );
  expect(violations).toEqual([]);
}, 120_000);

test("a key that never expires needs expiresAt: refused before anything is created", async () => {
  const tenant = await createFakeTenant();
  try {
    const forever = tenant.addKey({ roles: ["Viewer"] });
    const xsiam = clientOf(tenant);
    let handedOver = false;
    const error = await xsiam.apiKeys
      .rotate(forever.id, {
        handOver: async () => {
          handedOver = true;
        },
      })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(XsiamValidationError);
    expect((error as XsiamValidationError).field).toBe("options.expiresAt");
    expect((error as Error).message).toContain(`key ${forever.id} never expires`);
    expect(handedOver).toBe(false);
    expect(tenant.faults.calls().generate).toBe(0);
    const result = await xsiam.apiKeys.rotate(forever.id, {
      handOver: async () => undefined,
      expiresAt: new Date(Date.now() + 30 * DAY),
      checkDelayMs: 1,
    });
    expect(result.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
  } finally {
    await tenant.close();
  }
});
