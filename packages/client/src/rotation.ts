import type { CallOptions, SettleProgress } from "./api-keys.js";
import type { RotateStep } from "./errors.js";
import type { GeneratedApiKey } from "./generated-key.js";
import type { ApiKeyInfo } from "./internal/key-list.js";
import { expirationOf, sixMonthsAfter } from "./internal/validate.js";

const DAY_MS = 86_400_000;

/** When a rotation's new key expires, and why; or `undefined` when it needs an explicit expiry. */
export interface RotationExpiry {
  readonly expiresAt: Date;
  /** `given`: `expiresAt` was given; `old-lifetime`: the old key's lifetime from now; `capped`: that, cut to six months. */
  readonly expiry: "given" | "old-lifetime" | "capped";
}

/**
 * The expiry `apiKeys.rotate` gives the new key: `expiresAt` when given (checked: in the future, at
 * most six months ahead), else the old key's lifetime (expiry minus creation) from `now`, at most
 * six months less a day (for clocks that disagree). `undefined` for a key that never expires: the
 * service cannot create such a key, so the caller must choose. Pure: for a dry run or a plan.
 *
 * @example
 * const plan = rotationExpiry(await xsiam.apiKeys.get(5012));
 * console.log(plan ? `the new key would expire ${plan.expiresAt.toISOString()}` : "give expiresAt");
 */
export function rotationExpiry(
  oldKey: Pick<ApiKeyInfo, "createdAt" | "expiresAt">,
  expiresAt?: Date | number,
  now: number = Date.now(),
): RotationExpiry | undefined {
  if (expiresAt !== undefined) {
    return { expiresAt: new Date(expirationOf(expiresAt, now, "expiresAt")), expiry: "given" };
  }
  if (oldKey.expiresAt === null) return undefined;
  const lifetime = oldKey.expiresAt.getTime() - oldKey.createdAt.getTime();
  if (!(lifetime > 0)) return undefined;
  const cap = sixMonthsAfter(now) - DAY_MS;
  return now + lifetime > cap
    ? { expiresAt: new Date(cap), expiry: "capped" }
    : { expiresAt: new Date(now + lifetime), expiry: "old-lifetime" };
}

/** What `handOver` is told beside the key. */
export interface HandOverContext {
  /** Aborts when the caller's `signal` does: stop, and leave no trace of the key. */
  readonly signal: AbortSignal;
  /** The key being replaced, as the service listed it. */
  readonly oldKey: ApiKeyInfo;
  /** When the new key expires. */
  readonly expiresAt: Date;
}

/** What a hand-over that can be taken back resolves to. */
export interface HandOverReceipt {
  /**
   * Takes the hand-over back: whatever held the old key holds it again (a file as it was, the
   * previous version of a secret). Called when a later step fails or the rotation is stopped.
   */
  undo(): Promise<void>;
}

/**
 * Hands the new key to whatever will use it: writes a file, stores it in a vault, pushes it to a
 * secret manager. It resolves once the key is stored, to a `HandOverReceipt` when the hand-over
 * can be taken back, or to nothing when it cannot (then a later failure keeps both keys, and says
 * so). It throws when the key was not stored, and must then leave no trace of it: the new key is
 * deleted next.
 */
export type HandOver = (
  key: GeneratedApiKey,
  context: HandOverContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: an `async` hand-over that returns nothing is the usual one.
) => Promise<HandOverReceipt | undefined | void>;

/** What `apiKeys.rotate` reports as it goes, for progress output. */
export type RotateEvent =
  /** A step begins (1 to 5; step 5 is skipped with `keepOld`). */
  | { readonly kind: "step"; readonly step: RotateStep; readonly index: number }
  /** The old key was read; this is what the new key will be. Nothing has been created yet. */
  | {
      readonly kind: "plan";
      readonly oldKey: ApiKeyInfo;
      readonly expiresAt: Date;
      /** Where the expiry comes from: `expiresAt`, or the old key's lifetime (`capped` at six months). */
      readonly expiry: "given" | "old-lifetime" | "capped";
    }
  /**
   * A generate request is about to be sent, with this marker in the new key's comment. Record it
   * where it outlives the process (a log line): if the process dies now, it names the key to delete.
   */
  | { readonly kind: "sending"; readonly marker: string; readonly attempt: number }
  /**
   * A generate attempt failed in a way that leaves its request possibly still running on the
   * service: no retry is sent while the client waits for its key (see `GenerateOptions.onWait`).
   */
  | ({ readonly kind: "waiting" } & SettleProgress)
  /** The new key exists. */
  | { readonly kind: "created"; readonly id: number }
  /** The new key did not authenticate (yet): the check is tried again after `delayMs`. */
  | { readonly kind: "check-retry"; readonly attempt: number; readonly of: number; readonly delayMs: number }
  /** Undoing: the hand-over taken back, or the new key deleted. */
  | { readonly kind: "undo"; readonly action: "hand-over" | "delete-new"; readonly id: number };

/** Options of `apiKeys.rotate`. The retry options apply to every call the rotation makes. */
export interface RotateOptions extends CallOptions {
  /** Hands the new key over: see `HandOver`. Required. */
  handOver: HandOver;
  /**
   * Keep the old key after the new one is handed over and checked, for a consumer that switches
   * later; delete it then with `apiKeys.delete([oldId])`.
   * @default false
   */
  keepOld?: boolean | undefined;
  /**
   * When the new key expires: a `Date` or epoch milliseconds, in the future and at most six months
   * ahead. Required for a key that never expires (the service cannot create one that never does).
   * @default the old key's lifetime from now, at most six months (less a day)
   */
  expiresAt?: Date | number | undefined;
  /**
   * Stops the rotation between steps, and undoes what was done: a generate already sent is waited
   * for, then its key deleted; the hand-over is taken back. Reads and the check are aborted at once.
   */
  signal?: AbortSignal | undefined;
  /** Called as the rotation goes; an exception it throws is ignored. */
  onProgress?: ((event: RotateEvent) => void) | undefined;
  /**
   * How many times the check tries the new key before it counts a 401 as final (a new key may take
   * a moment to be accepted everywhere).
   * @default 3
   */
  checkAttempts?: number | undefined;
  /**
   * The pause between two tries of the check.
   * @default 1_000
   */
  checkDelayMs?: number | undefined;
}

/** What a rotation did. */
export interface RotateResult {
  /** The key that was replaced. */
  readonly oldId: number;
  /** The new key, handed over and checked. */
  readonly newId: number;
  /** Whether the old key was deleted (`false` with `keepOld`: delete it later). */
  readonly oldDeleted: boolean;
  /** When the new key expires. */
  readonly expiresAt: Date;
}
