// Exactly-once generate, after a failure: find out whether the failed request minted a key (by the
// marker it carried), delete that key, and try again while retries are left; or say exactly what
// became of it. Loaded on the first generate that fails after the service may have acted.
// Reaches the whole package, as the entry does: a bundler that splits at dynamic imports (esbuild)
// then puts all the code that loads up front in one chunk, instead of one per set of lazy modules
// that shares it, which compresses worse and loads as several files.
import "../index.js";
import type { CallOptions, SettleProgress } from "../api-keys.js";
import { type Clock, sleep } from "../clock.js";
import {
  type GenerateOutcome,
  XsiamAbortError,
  XsiamApiError,
  XsiamError,
  XsiamGenerateError,
  XsiamNetworkError,
  XsiamTimeoutError,
  XsiamTransportError,
} from "../errors.js";
import type { GeneratedApiKey } from "../generated-key.js";
import type { RetryPolicy } from "../reliability.js";
import { reasonOf } from "./failures.js";
import { callHook } from "./hooks.js";
import type { ApiKeyInfo } from "./key-list.js";
import { newMarker } from "./marker.js";
import { retryDelay } from "./retry.js";
import { visible } from "./text.js";
import type { ApiKeyFilter } from "./validate.js";

/** What finding a call's key needs from the client: listing and deleting, with the call's options. */
export interface KeyFinder {
  list(filter: ApiKeyFilter): Promise<ApiKeyInfo[]>;
  delete(id: number): Promise<{ updateCount: number }>;
}

/** What a generate call is, for trying it again. */
export interface GenerateCall {
  /** Sends one generate request whose comment carries `marker`. */
  send(marker: string): Promise<GeneratedApiKey>;
  readonly finder: KeyFinder;
  /** What the call asked for: how its key is found. */
  readonly roles: readonly string[];
  readonly expiration: number;
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly random: () => number;
  readonly signal: AbortSignal | undefined;
  /** Told each marker before its request is sent. */
  readonly onSend: ((request: { marker: string; attempt: number }) => void) | undefined;
  /** Told how a wait for a key that may still be minted stands. */
  readonly onWait: ((progress: SettleProgress) => void) | undefined;
  /**
   * How long after an attempt was sent the service may still mint its key, when the failure leaves
   * the request possibly running there (a timeout, a connection lost after sending, 502/503/504).
   */
  readonly settleMs: number;
  /** The client's methods: what its pollers list and delete with, with the call's headers and policy. */
  readonly api: {
    list(filter: ApiKeyFilter, options: CallOptions): Promise<ApiKeyInfo[]>;
    delete(ids: number[], options: CallOptions): Promise<{ updateCount: number }>;
  };
  /** The headers the call added (a child tenant's, say): its key is looked for where it was sent. */
  readonly headers: Record<string, string> | undefined;
  /**
   * The client's pollers, one per set of headers and retry policy: every pending call sent the
   * same way is looked for with one list per round.
   */
  readonly poller: Map<string, SettleWatcher>;
}

// A key created this long before the call started cannot be the call's, whatever the clocks say.
const CLOCK_ALLOWANCE_MS = 5 * 60_000;
// The expiration a key is listed with may not be the one sent to the millisecond (a service or
// proxy may round it): the call's key is looked for this far either side, and singled out by its
// marker.
const EXPIRY_SLACK_MS = 86_400_000;

/**
 * Whether the service may have minted a key for a generate that failed this way: after a request
 * that may have reached it, and that it did not turn away (a 4xx, a 429, a redirect).
 */
export function mayHaveMinted(error: unknown): boolean {
  if (error instanceof XsiamTransportError) return error.requestSent;
  return (
    error instanceof XsiamApiError && (error.status >= 500 || (error.status >= 200 && error.status < 300))
  );
}

/** The failure in a few words, for the message of an `XsiamGenerateError` (or a rotation's). */
export function failureSummary(error: XsiamError): string {
  if (error instanceof XsiamApiError) {
    if (error.errMsg !== undefined) return `HTTP ${error.status}: ${visible(error.errMsg)}`;
    return error.status < 300
      ? `HTTP ${error.status} with a reply that is not the documented one`
      : `HTTP ${error.status}`;
  }
  if (error instanceof XsiamTimeoutError) return `timed out after ${error.timeoutMs} ms`;
  if (error instanceof XsiamAbortError) return "aborted after the request was sent";
  if (error instanceof XsiamNetworkError) return `the connection failed: ${reasonOf(error.cause).reason}`;
  return error.message;
}

function problemOf(error: unknown): string {
  if (error instanceof XsiamApiError && error.status === 403) return "the key cannot list keys: HTTP 403";
  return error instanceof XsiamApiError
    ? `listing failed with HTTP ${error.status}`
    : `listing failed: ${error instanceof Error ? error.name : "unknown error"}`;
}

/** What a generate sent: how its key is told from the others. */
interface Sent {
  readonly roles: readonly string[];
  readonly expiration: number;
  readonly marker: string;
  readonly started: number;
}

const sameRoles = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((role) => b.some((other) => other.toLowerCase() === role.toLowerCase()));

/**
 * Which of `listed` is the call's key: one key that carries the marker, none, or not one the client
 * can single out. A key with the same roles and expiration and no marker at all, created since the
 * call began, may be the call's with its comment changed, so then none is singled out.
 */
function classify(listed: ApiKeyInfo[], sent: Sent): GenerateOutcome | { kind: "one"; id: number } {
  const matching = listed.filter(
    (key) => key.expiresAt?.getTime() === sent.expiration && sameRoles(key.roles, sent.roles),
  );
  const mine = listed.filter((key) => key.marker === sent.marker);
  const unmarked = matching.filter(
    (key) => key.marker === null && key.createdAt.getTime() >= sent.started - CLOCK_ALLOWANCE_MS,
  );
  const [only] = mine;
  if (mine.length === 0 && unmarked.length === 0) return { kind: "none" };
  if (!only || mine.length > 1 || unmarked.length > 0) {
    const reason = mine.length > 1 ? "several keys carry the marker" : "keys without a marker match the call";
    return { kind: "unknown", reason, candidates: [...mine, ...unmarked].map((key) => key.id) };
  }
  return { kind: "one", id: only.id };
}

/** Deletes key `id`, the call's: "deleted", or "left" saying why it is still there. */
async function removeOnly(id: number, finder: KeyFinder): Promise<GenerateOutcome> {
  try {
    // A count of 0 is "gone already" only if the key is gone: a service that deletes nothing says 0 too.
    const { updateCount } = await finder.delete(id);
    if (updateCount === 0) {
      const still = await finder.list({ ids: [id] }).then(
        (keys) => (keys.some((key) => key.id === id) ? "yes" : "no"),
        () => "unknown" as const,
      );
      if (still === "yes") return { kind: "left", id, reason: "the service deleted nothing" };
      if (still === "unknown") {
        return {
          kind: "left",
          id,
          reason: "the delete answered 0 and the key could not be looked up: it may be gone already",
        };
      }
    }
    return { kind: "deleted", id };
  } catch (error) {
    return {
      kind: "left",
      id,
      // A delete that timed out, or got a 502/503/504, may still act on the service.
      reason: `${error instanceof XsiamError ? failureSummary(error) : "the delete failed"}${mayStillMint(error) ? ", though the service may still delete it" : ""}`,
    };
  }
}

/**
 * Finds out whether the generate that sent `roles`, `expiration` and `marker` minted a key, and
 * deletes that key if it did: deletes only a key that carries the marker, and only when it is the
 * one candidate.
 */
export async function findMinted(sent: Sent, finder: KeyFinder): Promise<GenerateOutcome> {
  let listed: ApiKeyInfo[];
  try {
    listed = await finder.list({
      roles: sent.roles,
      expiresAfter: sent.expiration - EXPIRY_SLACK_MS,
      expiresBefore: sent.expiration + EXPIRY_SLACK_MS,
    });
  } catch (error) {
    return { kind: "unknown", reason: problemOf(error), candidates: [] };
  }
  const found = classify(listed, sent);
  return found.kind === "one" ? removeOnly(found.id, finder) : found;
}

/**
 * Whether a request that failed this way may still be running on the service, and so mint its key
 * later: it timed out or lost its connection after it was sent, or a gateway answered 502, 503 or
 * 504 (it stopped waiting; the service behind it may not have). A 500 or a 2xx is the service's
 * own answer: it has finished.
 */
export function mayStillMint(error: unknown): boolean {
  if (error instanceof XsiamTimeoutError || error instanceof XsiamNetworkError) return error.requestSent;
  return (
    error instanceof XsiamApiError && (error.status === 502 || error.status === 503 || error.status === 504)
  );
}

/** Looks for pending calls' keys until each is found or its window closes. */
export interface SettleWatcher {
  /**
   * Resolves when the call's key is found (deleted, or not one to single out) or, with "none",
   * when `deadline` (on the client's clock) has passed with no key found. `checked` is called after
   * each list that did not end the wait.
   */
  watch(
    sent: Sent,
    deadline: number,
    signal: AbortSignal | undefined,
    checked?: () => void,
  ): Promise<GenerateOutcome>;
}

// The pauses between the poller's rounds: it backs off, since each round spends the tenant's budget.
// The first round is at once: a key minted before the failure was seen is found without waiting.
const ROUNDS_MS = [0, 1_000, 2_000, 4_000, 8_000, 15_000] as const;

/**
 * The client's poller: however many generates wait at once, one list per round (through the
 * client's rate limiter), for the expiration range of every pending call, each call's key picked
 * out by its marker. The first round is at once, then they back off from 1 s to 15 s apart; none
 * waits past the earliest window. A key that may not list keys (401, 403) ends every wait at once.
 */
export function createSettleWatcher(finder: KeyFinder, clock: Clock): SettleWatcher {
  type Entry = {
    sent: Sent;
    deadline: number;
    resolve(outcome: GenerateOutcome): void;
    checked: (() => void) | undefined;
  };
  const pending = new Set<Entry>();
  let running = false;

  const settle = (entry: Entry, outcome: GenerateOutcome) => {
    if (pending.delete(entry)) entry.resolve(outcome);
  };
  async function round(): Promise<void> {
    const entries = [...pending];
    const expirations = entries.map((entry) => entry.sent.expiration);
    let listed: ApiKeyInfo[] | { problem: string; final: boolean };
    try {
      listed = await finder.list({
        expiresAfter: Math.min(...expirations) - EXPIRY_SLACK_MS,
        expiresBefore: Math.max(...expirations) + EXPIRY_SLACK_MS,
      });
    } catch (error) {
      const final = error instanceof XsiamApiError && (error.status === 401 || error.status === 403);
      listed = { problem: problemOf(error), final };
    }
    const now = clock.now();
    for (const entry of entries) {
      if (!pending.has(entry)) continue;
      if (!Array.isArray(listed)) {
        if (listed.final || now >= entry.deadline)
          settle(entry, { kind: "unknown", reason: listed.problem, candidates: [] });
        else entry.checked?.();
        continue;
      }
      const found = classify(listed, entry.sent);
      if (found.kind === "none") {
        if (now >= entry.deadline) settle(entry, found);
        else entry.checked?.();
      } else if (found.kind === "one") {
        pending.delete(entry);
        void removeOnly(found.id, finder).then(entry.resolve);
      } else {
        settle(entry, found);
      }
    }
  }
  async function run(): Promise<void> {
    running = true;
    try {
      for (let index = 0; pending.size > 0; index++) {
        const pause = ROUNDS_MS[Math.min(index, ROUNDS_MS.length - 1)] as number;
        const earliest = Math.min(...[...pending].map((entry) => entry.deadline));
        await sleep(Math.max(0, Math.min(pause, earliest - clock.now())), undefined, clock);
        if (pending.size > 0) await round();
      }
    } catch (error) {
      // Nothing may leave a call waiting for ever: what could not be checked is said.
      for (const entry of [...pending]) {
        settle(entry, { kind: "unknown", reason: `checking failed: ${problemOf(error)}`, candidates: [] });
      }
    } finally {
      running = false;
    }
  }
  return {
    watch(sent, deadline, signal, checked) {
      return new Promise<GenerateOutcome>((resolve) => {
        const aborted = () =>
          settle(entry, {
            kind: "unknown",
            reason: "the call was aborted while the service may still mint its key",
            candidates: [],
          });
        const entry: Entry = {
          sent,
          deadline,
          checked,
          resolve: (outcome) => {
            signal?.removeEventListener("abort", aborted);
            resolve(outcome);
          },
        };
        pending.add(entry);
        signal?.addEventListener("abort", aborted, { once: true });
        if (signal?.aborted) aborted();
        if (!running) void run();
      });
    },
  };
}

/**
 * Tells the call's `onWait` that the wait for `sent`'s key begins, and returns what tells it of each
 * check after (and, with `closed`, that the window closed with no key). A hook that throws does not
 * break the call.
 */
function progress(call: GenerateCall, sent: Sent): (closed?: boolean) => void {
  let checks = 0;
  const tell = (closed = false) => {
    try {
      callHook(call.onWait, {
        marker: sent.marker,
        waitedMs: call.clock.now() - sent.started,
        windowMs: call.settleMs,
        checks,
        closed,
      });
    } catch {
      // Progress is for show: the wait goes on.
    }
  };
  tell();
  return (closed = false) => {
    if (!closed) checks += 1;
    tell(closed);
  };
}

/** Waits for `sent`'s key with the poller for calls sent like it, telling `onWait` how it stands. */
async function watchFor(call: GenerateCall, sent: Sent): Promise<GenerateOutcome> {
  const told = progress(call, sent);
  const outcome = await watcherOf(call).watch(sent, sent.started + call.settleMs, call.signal, () => told());
  if (outcome.kind === "none") told(true);
  return outcome;
}

/**
 * The client's poller for calls sent like this one (the same headers, a child tenant's say, and
 * retry policy), made on first need: a key is looked for where its request went.
 */
function watcherOf(call: GenerateCall): SettleWatcher {
  const headers = Object.fromEntries(new Headers(call.headers));
  const options = { headers, ...call.policy };
  const key = JSON.stringify(options);
  let watcher = call.poller.get(key);
  if (!watcher) {
    const { api } = call;
    watcher = createSettleWatcher(
      { list: (filter) => api.list(filter, options), delete: (id) => api.delete([id], options) },
      call.clock,
    );
    call.poller.set(key, watcher);
  }
  return watcher;
}

/**
 * How a message names the key that carries `marker`, and where to find it. (The CLI puts its own
 * `list --marker` command in place of the parenthesis.)
 */
export const withMarkerText = (marker: string) => `marker ${marker} (apiKeys.list() gives each key's marker)`;

function outcomeText(outcome: GenerateOutcome, marker: string): string {
  switch (outcome.kind) {
    case "none":
      return "no key was created";
    case "deleted":
      return `key ${outcome.id} was created and has been deleted`;
    case "left":
      return `key ${outcome.id} was created and could not be deleted (${outcome.reason}): delete it, nobody holds its secret`;
    case "unknown":
      return outcome.candidates.length > 0
        ? `could not single out the key (${outcome.reason}): keys ${outcome.candidates.join(", ")} may be it, none was deleted; the call's key has ${withMarkerText(marker)}`
        : `could not check (${outcome.reason}): look for the key with ${withMarkerText(marker)}`;
  }
}

/**
 * Carries a generate on after its request failed with `error`: finds what the failed request
 * minted, deletes it, and tries again while retries are left (each try with a marker of its own);
 * resolves to the key a later try got, or throws `XsiamGenerateError` saying what became of the
 * key. An error the service cannot have acted on is thrown as it is.
 */
export async function afterFailure(
  error: unknown,
  first: { marker: string; started: number },
  call: GenerateCall,
): Promise<GeneratedApiKey> {
  let failure = error;
  let { marker, started } = first;
  // The markers of attempts whose window closed with no key: each may still mint one later.
  const late: string[] = [];
  for (let tries = 1; ; tries++) {
    if (!(failure instanceof XsiamError) || !mayHaveMinted(failure)) throw failure;
    const cause = failure;
    const sent = { roles: call.roles, expiration: call.expiration, marker, started };
    // A request that may still be running on the service is waited for (no retry is sent while
    // it may mint); one the service has finished is checked once.
    const waited = !(cause instanceof XsiamAbortError) && mayStillMint(cause) && call.settleMs > 0;
    const outcome: GenerateOutcome =
      cause instanceof XsiamAbortError
        ? {
            kind: "unknown",
            reason: "the call was aborted; the service may still mint its key",
            candidates: [],
          }
        : waited
          ? await watchFor(call, sent)
          : await findMinted(sent, call.finder);
    if (waited && outcome.kind === "none") late.push(marker);
    const failed = () =>
      new XsiamGenerateError({
        message: `generateApiKey failed (${failureSummary(cause)}): ${outcomeText(outcome, marker)}${waited && outcome.kind === "none" ? ` within ${Math.round(call.settleMs / 1000)} s of sending` : ""}${late.length > 0 ? `; a key that appears later is not the client's to find: it has ${late.map(withMarkerText).join(", or ")}` : ""}${tries > 1 ? ` [after ${tries} tries, each checked]` : ""}`,
        cause,
        outcome,
        marker,
        lateMarkers: [...late],
        tries,
      });
    const safeToRetry = outcome.kind === "none" || outcome.kind === "deleted";
    if (!safeToRetry || tries > call.policy.maxRetries) throw failed();
    const wait = retryDelay(null, tries, call.policy, call.random, call.clock.now()) ?? 0;
    await sleep(wait, call.signal, call.clock).catch(() => {
      throw failed();
    });
    marker = newMarker();
    try {
      callHook(call.onSend, { marker, attempt: tries + 1 });
    } catch {
      // The caller stops the call before this try: it ends with what the earlier tries left,
      // their late markers included.
      throw failed();
    }
    started = call.clock.now();
    try {
      return await call.send(marker);
    } catch (next) {
      failure = next;
    }
  }
}
