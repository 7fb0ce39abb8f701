// apiKeys.rotate: read the old key, generate the new one, hand it over, check it, delete the old.
//
// The invariant: after any failure or stop, the caller holds at least one working key, and the
// tenant holds no key that nobody holds, or the error names it. Each step is undone in reverse
// order when a later one fails: the new key is deleted, the hand-over taken back. A hand-over that
// cannot be taken back (no `undo`) is never undone by deleting the key it handed over: then both
// keys are kept, and the error says which to delete when.
//
// Reaches the whole package, as the entry does: a bundler that splits at dynamic imports (esbuild)
// then puts all the code that loads up front in one chunk, instead of one per set of lazy modules
// that shares it, which compresses worse and loads as several files.
import "../index.js";
import { described, ownCopy } from "@xsiam-sdk/auth";
import type { ApiKeysApi, ApiKeysSettings, CallOptions } from "../api-keys.js";
import { sleep } from "../clock.js";
import {
  type RotateStep,
  type RotationState,
  XsiamApiError,
  XsiamError,
  XsiamGenerateError,
  XsiamRotateError,
  XsiamValidationError,
} from "../errors.js";
import type { GeneratedApiKey } from "../generated-key.js";
import {
  type HandOver,
  type RotateEvent,
  type RotateOptions,
  type RotateResult,
  rotationExpiry,
} from "../rotation.js";
import { CALL_OPTIONS } from "./call.js";
import { callHook } from "./hooks.js";
import type { ApiKeyInfo } from "./key-list.js";
import { failureSummary, mayStillMint, withMarkerText } from "./reconcile.js";
import { REDACTED } from "./redact.js";
import { visible } from "./text.js";
import { expirationOf, keyIdOf, refuseUnknownFields } from "./validate.js";

// Rotate's own options, and those of one call (the signal stops the whole rotation).
const ROTATE_OPTIONS = [
  "handOver",
  "keepOld",
  "expiresAt",
  "onProgress",
  "checkAttempts",
  "checkDelayMs",
  ...CALL_OPTIONS,
] as const;
const MAX_CHECK_ATTEMPTS = 10;
const MAX_CHECK_DELAY_MS = 60_000;

const STEP_WORDS: Readonly<Record<RotateStep, string>> = {
  read: "reading the key",
  generate: "generate",
  "hand-over": "the hand-over",
  check: "the check of the new key",
  "delete-old": "deleting the old key",
};
const STEP_INDEX: Readonly<Record<RotateStep, number>> = {
  read: 1,
  generate: 2,
  "hand-over": 3,
  check: 4,
  "delete-old": 5,
};

interface Checked {
  handOver: HandOver;
  keepOld: boolean;
  expiresAt: number | undefined;
  signal: AbortSignal | undefined;
  onProgress: ((event: RotateEvent) => void) | undefined;
  checkAttempts: number;
  checkDelayMs: number;
  /** The options of every call: retries and headers, never the signal (see `withSignal`). */
  call: CallOptions;
}

function checkedOptions(options: RotateOptions, now: number): Checked {
  if (typeof options !== "object" || options === null) {
    throw new XsiamValidationError("options", `must be an object with handOver (got ${described(options)})`);
  }
  // A misspelt option (`keep_old`, `expiration`) must not be ignored: it could delete a key.
  refuseUnknownFields(options, ROTATE_OPTIONS, "options.", "an option of rotate", {
    expiration: "expiresAt",
    expires: "expiresAt",
    handover: "handOver",
  });
  const own = ownCopy(options, ROTATE_OPTIONS);
  const { handOver, keepOld = false, signal, onProgress, checkAttempts = 3, checkDelayMs = 1_000 } = own;
  if (typeof handOver !== "function") {
    throw new XsiamValidationError(
      "options.handOver",
      `must be a function that stores the new key (got ${described(handOver)})`,
    );
  }
  if (typeof keepOld !== "boolean") {
    throw new XsiamValidationError("options.keepOld", `must be a boolean (got ${described(keepOld)})`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new XsiamValidationError("options.signal", `must be an AbortSignal (got ${described(signal)})`);
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new XsiamValidationError("options.onProgress", `must be a function (got ${described(onProgress)})`);
  }
  if (!(Number.isInteger(checkAttempts) && checkAttempts >= 1 && checkAttempts <= MAX_CHECK_ATTEMPTS)) {
    throw new XsiamValidationError(
      "options.checkAttempts",
      `must be an integer from 1 to ${MAX_CHECK_ATTEMPTS} (got ${described(checkAttempts)})`,
    );
  }
  if (!(typeof checkDelayMs === "number" && checkDelayMs >= 0 && checkDelayMs <= MAX_CHECK_DELAY_MS)) {
    throw new XsiamValidationError(
      "options.checkDelayMs",
      `must be a number from 0 to ${MAX_CHECK_DELAY_MS} (got ${described(checkDelayMs)})`,
    );
  }
  const expiresAt =
    own.expiresAt === undefined ? undefined : expirationOf(own.expiresAt, now, "options.expiresAt");
  const call: CallOptions = {};
  for (const name of CALL_OPTIONS) {
    if (name !== "signal" && own[name] !== undefined) Object.assign(call, { [name]: own[name] });
  }
  return { handOver, keepOld, expiresAt, signal, onProgress, checkAttempts, checkDelayMs, call };
}

/** `String(value)`, for any value: one whose conversion throws (a null-prototype object) is described. */
function textOf(value: unknown): string {
  try {
    return value instanceof Error ? value.message || value.name : String(value);
  } catch {
    return "a value that is not an Error";
  }
}

/** A failure in a few words, never holding `secret`. */
function reasonOf(error: unknown, secret?: string): string {
  if (error instanceof XsiamGenerateError) return failureSummary(error.cause as XsiamError);
  if (error instanceof XsiamError) return failureSummary(error);
  // A system error's message starts with its code (`ENOSPC: no space left on device, write`).
  const text = textOf(error);
  return visible(secret ? text.split(secret).join(REDACTED) : text);
}

const MAX_SEARCH_DEPTH = 4;

/** Whether `secret` is anywhere in `value`: its text, its own properties, its cause, its errors. */
function holds(value: unknown, secret: string, depth = 0, seen = new Set<unknown>()): boolean {
  if (typeof value === "string") return value.includes(secret);
  if (typeof value !== "object" || value === null || seen.has(value) || depth > MAX_SEARCH_DEPTH) {
    return value !== null && typeof value !== "object" && textOf(value).includes(secret);
  }
  seen.add(value);
  if (value instanceof Error && (textOf(value).includes(secret) || (value.stack ?? "").includes(secret))) {
    return true;
  }
  let names: string[];
  try {
    names = [...Object.getOwnPropertyNames(value), ...(value instanceof Error ? ["cause"] : [])];
  } catch {
    return true; // a proxy that refuses to be looked at cannot be shown safely
  }
  return names.some((name) => {
    try {
      return holds((value as Record<string, unknown>)[name], secret, depth + 1, seen);
    } catch {
      return true;
    }
  });
}

/**
 * `error` as a cause that cannot show `secret`: the hand-over's own error may quote what it was
 * given, in its message, a property (`stderr`), its cause or its `errors`. Such an error is
 * replaced by one that keeps its name and redacted message, and nothing else.
 */
function safeCause(error: unknown, secret: string): unknown {
  if (!holds(error, secret)) return error;
  const copy = new Error(textOf(error).split(secret).join(REDACTED));
  try {
    copy.name = error instanceof Error ? error.name : "Error";
  } catch {
    // Keep "Error".
  }
  return copy;
}

const keys = (ids: readonly number[]) => (ids.length === 1 ? `key ${ids[0]}` : `keys ${ids.join(", ")}`);
const deleteCall = (ids: readonly number[]) => `apiKeys.delete([${ids.join(", ")}])`;

/** Rotates key `id`; see `ApiKeysApi.rotate`. */
export async function rotateKey(
  api: ApiKeysApi,
  settings: ApiKeysSettings,
  id: number,
  options: RotateOptions,
): Promise<RotateResult> {
  const oldId = keyIdOf("id", id);
  const options_ = checkedOptions(options, settings.clock.now());
  const { handOver, keepOld, signal, onProgress, checkAttempts, checkDelayMs, call } = options_;
  if (oldId === settings.ownKeyId) {
    throw new XsiamValidationError(
      "id",
      `is the key this client signs with: rotate key ${oldId} with another key (one created in the console), since its replacement would be created by the API, and such a key cannot create keys`,
    );
  }
  const withSignal: CallOptions = signal ? { ...call, signal } : call;
  const stopped = () => signal?.aborted === true;
  const report = (event: RotateEvent) => {
    try {
      callHook(onProgress, event);
    } catch {
      // Progress output must not change what happens to the keys.
    }
  };
  const begin = (step: RotateStep) => report({ kind: "step", step, index: STEP_INDEX[step] });
  const fail = (step: RotateStep, reason: string, state: RotationState, text: string, cause: unknown) => {
    const how = stopped() ? "was stopped at" : "failed at";
    return new XsiamRotateError({
      step,
      stopped: stopped(),
      message: `rotating key ${oldId} ${how} ${STEP_WORDS[step]} (${reason}): ${text}`,
      reason,
      summary: text,
      state,
      cause,
    });
  };
  const unchanged = (extra?: Partial<RotationState>): RotationState => ({
    oldId,
    newId: undefined,
    newExists: false,
    holds: oldId,
    handedOver: false,
    toDelete: [],
    lookFor: undefined,
    ...extra,
  });
  const youHoldOld = `you hold key ${oldId}, unchanged`;
  const stoppedReason = () => (signal?.reason instanceof Error ? signal.reason.message : "stopped");

  // 1. Read the old key.
  begin("read");
  if (stopped())
    throw fail("read", stoppedReason(), unchanged(), `nothing was created; ${youHoldOld}`, signal?.reason);
  let old: ApiKeyInfo | undefined;
  try {
    old = await api.get(oldId, withSignal);
  } catch (error) {
    throw fail("read", reasonOf(error), unchanged(), `nothing was created; ${youHoldOld}`, error);
  }
  if (!old) {
    throw fail("read", `there is no key ${oldId}`, unchanged(), "nothing was created", undefined);
  }
  const plan = rotationExpiry(old, options_.expiresAt, settings.clock.now());
  if (plan === undefined) {
    throw new XsiamValidationError(
      "options.expiresAt",
      `is required: key ${oldId} never expires, and the service cannot create a key that never expires (at most six months ahead); nothing was created`,
    );
  }
  const { expiresAt } = plan;
  const expiration = expiresAt.getTime();
  report({ kind: "plan", oldKey: old, expiresAt, expiry: plan.expiry });

  // 2. Generate the new key: exactly once, and never abandoned halfway (a stop waits for it).
  begin("generate");
  if (stopped()) {
    throw fail(
      "generate",
      stoppedReason(),
      unchanged(),
      `nothing was created; ${youHoldOld}`,
      signal?.reason,
    );
  }
  let fresh: GeneratedApiKey;
  try {
    fresh = await api.generate(
      {
        roles: old.roles,
        securityLevel: old.securityLevel,
        expiration,
        ...(old.comment !== null && { comment: old.comment }),
      },
      {
        ...call,
        reconcile: true,
        onSend: ({ marker, attempt }) => report({ kind: "sending", marker, attempt }),
        onWait: (progress) => report({ kind: "waiting", ...progress }),
      },
    );
  } catch (error) {
    throw await generateFailure(error);
  }
  const newId = fresh.id;
  report({ kind: "created", id: newId });

  /** What a failed generate left: nothing, a key nobody holds, or a marker to look for. */
  async function generateFailure(error: unknown): Promise<XsiamRotateError> {
    const outcome = error instanceof XsiamGenerateError ? error.outcome : { kind: "none" as const };
    switch (outcome.kind) {
      case "none":
        return fail("generate", reasonOf(error), unchanged(), `no new key was created; ${youHoldOld}`, error);
      case "deleted":
        return fail(
          "generate",
          reasonOf(error),
          unchanged({ newId: outcome.id }),
          `new key ${outcome.id} was created and deleted; ${youHoldOld}`,
          error,
        );
      case "left": {
        // Its delete may have acted with its answer lost: look before saying the key is there.
        const still = await stillThere(outcome.id);
        if (still === false) {
          return fail(
            "generate",
            reasonOf(error),
            unchanged({ newId: outcome.id }),
            `new key ${outcome.id} was created and deleted; ${youHoldOld}`,
            error,
          );
        }
        // A delete that may still act on the service (it timed out, or got a 502/503/504) is said so.
        const pending = ", though the service may still delete it";
        const acting = outcome.reason.endsWith(pending);
        const why = acting ? outcome.reason.slice(0, -pending.length) : outcome.reason;
        return fail(
          "generate",
          reasonOf(error),
          unchanged({ newId: outcome.id, newExists: true, toDelete: [outcome.id] }),
          `new key ${outcome.id} was created and could not be deleted (${why})${acting ? pending : still ? "" : " and may still exist"}, and nobody holds it: delete it with ${deleteCall([outcome.id])}; ${youHoldOld}`,
          error,
        );
      }
      case "unknown": {
        const { marker } = error as XsiamGenerateError;
        const { candidates } = outcome;
        const where =
          candidates.length > 0
            ? `${keys(candidates)} may be it (none was deleted); the new key has ${withMarkerText(marker)}`
            : `look for the key with ${withMarkerText(marker)}, and delete it (${outcome.reason})`;
        return fail(
          "generate",
          reasonOf(error),
          unchanged({ lookFor: { marker, candidates } }),
          `a new key may exist that nobody holds: ${where}; ${youHoldOld}`,
          error,
        );
      }
    }
  }

  /** Whether a key exists: looked up, `undefined` when the look-up failed too. */
  async function stillThere(keyId: number): Promise<boolean | undefined> {
    try {
      return (await api.get(keyId, call)) !== undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Deletes a key: true once it is gone. A delete that failed may still have acted (a reply lost,
   * a 500 after the work), so the key is looked up before it is said to be there; and one that may
   * still be running on the service (a timeout, a 502/503/504) may yet act, so a key still there
   * then is only "may still exist".
   */
  const deleteKey = async (
    keyId: number,
  ): Promise<true | { reason: string; still: string; error: unknown }> => {
    try {
      const { updateCount } = await api.delete([keyId], call);
      // 0 is "gone already" only if the key is gone: a service that deletes nothing says 0 too.
      if (updateCount === 0 && (await stillThere(keyId)) !== false) {
        return { reason: "the service deleted nothing (update_count 0)", still: "", error: undefined };
      }
      return true;
    } catch (error) {
      const still = await stillThere(keyId);
      if (still === false) return true;
      const pending = mayStillMint(error) ? ", though the service may still delete it" : "";
      return { reason: reasonOf(error), still: still === true ? pending : " and may still exist", error };
    }
  };
  /** The state after the new key was deleted, or not: the caller holds the old key either way. */
  const afterDeleteNew = async (step: RotateStep, reason: string, cause: unknown, taken: string) => {
    report({ kind: "undo", action: "delete-new", id: newId });
    const deleted = await deleteKey(newId);
    if (deleted === true) {
      return fail(
        step,
        reason,
        unchanged({ newId }),
        `${taken}new key ${newId} was deleted; ${youHoldOld}`,
        cause,
      );
    }
    const { still } = deleted;
    return fail(
      step,
      reason,
      unchanged({ newId, newExists: true, toDelete: [newId] }),
      `${taken}new key ${newId} could not be deleted (${deleted.reason})${still}, and nobody holds it: delete it with ${deleteCall([newId])}; ${youHoldOld}`,
      cause,
    );
  };

  if (stopped()) throw await afterDeleteNew("generate", stoppedReason(), signal?.reason, "");

  // 3. Hand it over.
  begin("hand-over");
  let undo: (() => Promise<void>) | undefined;
  try {
    const receipt = await handOver(fresh, {
      signal: signal ?? new AbortController().signal,
      oldKey: old,
      expiresAt,
    });
    const taker = (receipt as { undo?: unknown } | undefined)?.undo;
    undo = typeof taker === "function" ? () => taker.call(receipt) : undefined;
  } catch (error) {
    throw await afterDeleteNew("hand-over", reasonOf(error, fresh.key), safeCause(error, fresh.key), "");
  }

  /**
   * After the hand-over: take it back and delete the new key, so that the caller is where it
   * started. When it cannot be taken back, both keys are kept: the hand-over's destination holds
   * the new key, and whatever held the old key may still use it.
   */
  const rollBack = async (step: RotateStep, reason: string, cause: unknown, checkNote: string) => {
    const bothKept = (why: string) =>
      fail(
        step,
        reason,
        {
          oldId,
          newId,
          newExists: true,
          holds: newId,
          handedOver: true,
          toDelete: [],
          lookFor: undefined,
        },
        `${why}, so both keys were kept: you hold key ${newId}${checkNote}; key ${oldId} still exists: delete it with ${deleteCall([oldId])} once key ${newId} is in use, or delete key ${newId} if it never authenticates`,
        cause,
      );
    if (!undo) return bothKept(`key ${newId} was handed over, which cannot be taken back`);
    report({ kind: "undo", action: "hand-over", id: newId });
    try {
      await undo();
    } catch (error) {
      return bothKept(`taking back the hand-over of key ${newId} failed (${reasonOf(error, fresh.key)})`);
    }
    return afterDeleteNew(step, reason, cause, "the hand-over was taken back and ");
  };

  if (stopped()) throw await rollBack("hand-over", stoppedReason(), signal?.reason, " (not checked)");

  // 4. Check that the new key authenticates, as the caller will use it.
  begin("check");
  const checker = settings.clientFor({
    apiKey: fresh.key,
    apiKeyId: newId,
    securityLevel: old.securityLevel,
  });
  let failure: { reason: string; cause: unknown; note: string } | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      await checker.get(newId, withSignal);
      break;
    } catch (error) {
      // A 403 comes after the signature was checked: the key authenticates, and may not list keys.
      if (error instanceof XsiamApiError && error.status === 403) break;
      const refused = error instanceof XsiamApiError && error.status === 401;
      if (refused && attempt < checkAttempts && !stopped()) {
        report({ kind: "check-retry", attempt, of: checkAttempts, delayMs: checkDelayMs });
        const paused = await sleep(checkDelayMs, signal, settings.clock).then(
          () => true,
          () => false,
        );
        if (paused) continue;
      }
      const reason = reasonOf(error);
      failure = stopped()
        ? { reason: stoppedReason(), cause: signal?.reason, note: " (not checked)" }
        : refused
          ? {
              reason: `key ${newId} does not authenticate: ${reason}${attempt > 1 ? ` [after ${attempt} tries]` : ""}`,
              cause: error,
              note: ` (it did not authenticate: ${reason})`,
            }
          : { reason: `key ${newId} could not be checked: ${reason}`, cause: error, note: " (not checked)" };
      break;
    }
  }
  if (failure) throw await rollBack("check", failure.reason, failure.cause, failure.note);
  if (stopped()) throw await rollBack("check", stoppedReason(), signal?.reason, " (it authenticates)");

  if (keepOld) return { oldId, newId, oldDeleted: false, expiresAt };

  // 5. Delete the old key: the last step, finished even if a stop comes meanwhile.
  begin("delete-old");
  const deleted = await deleteKey(oldId);
  if (deleted !== true) {
    const { still } = deleted;
    throw fail(
      "delete-old",
      deleted.reason,
      {
        oldId,
        newId,
        newExists: true,
        holds: newId,
        handedOver: true,
        toDelete: [oldId],
        lookFor: undefined,
      },
      `you hold key ${newId}, handed over and checked; key ${oldId} could not be deleted${still}: delete it with ${deleteCall([oldId])}`,
      deleted.error,
    );
  }
  return { oldId, newId, oldDeleted: true, expiresAt };
}
