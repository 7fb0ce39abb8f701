// Exactly-once generate, after a failure: find out whether the failed request minted a key (by the
// marker it carried), delete that key, and try again while retries are left; or say exactly what
// became of it. Loaded on the first generate that fails after the service may have acted.
// Reaches the whole package, as the entry does: a bundler that splits at dynamic imports (esbuild)
// then puts all the code that loads up front in one chunk, instead of one per set of lazy modules
// that shares it, which compresses worse and loads as several files.
import "../index.js";
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
import type { ApiKeyInfo } from "./key-list.js";
import { hasMarker, newMarker } from "./marker.js";
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
}

// A key created this long before the call started cannot be the call's, whatever the clocks say.
const CLOCK_ALLOWANCE_MS = 5 * 60_000;

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

/**
 * Finds out whether the generate that sent `roles`, `expiration` and `marker` minted a key, and
 * deletes that key if it did. Deletes only a key that carries the marker, and only when it is the
 * one candidate: a key with the same roles and expiration and no marker at all, created since the
 * call began, may be the call's with its comment changed, so then nothing is deleted.
 */
export async function findMinted(
  sent: { roles: readonly string[]; expiration: number; marker: string; started: number },
  finder: KeyFinder,
): Promise<GenerateOutcome> {
  let listed: ApiKeyInfo[];
  try {
    listed = await finder.list({
      roles: sent.roles,
      expiresAfter: sent.expiration,
      expiresBefore: sent.expiration,
    });
  } catch (error) {
    return { kind: "unknown", reason: problemOf(error), candidates: [] };
  }
  const mine = listed.filter((key) => key.comment?.includes(sent.marker));
  const unmarked = listed.filter(
    (key) => !hasMarker(key.comment) && key.createdAt.getTime() >= sent.started - CLOCK_ALLOWANCE_MS,
  );
  const [only] = mine;
  if (mine.length === 0 && unmarked.length === 0) return { kind: "none" };
  if (!only || mine.length > 1 || unmarked.length > 0) {
    const reason = mine.length > 1 ? "several keys carry the marker" : "keys without a marker match the call";
    return { kind: "unknown", reason, candidates: [...mine, ...unmarked].map((key) => key.id) };
  }
  try {
    // A count of 0 is "gone already" only if the key is gone: a service that deletes nothing says 0 too.
    const { updateCount } = await finder.delete(only.id);
    if (updateCount === 0) {
      const still = await finder.list({ ids: [only.id] }).then(
        (keys) => (keys.some((key) => key.id === only.id) ? "yes" : "no"),
        () => "unknown" as const,
      );
      if (still === "yes") return { kind: "left", id: only.id, reason: "the service deleted nothing" };
      if (still === "unknown") {
        return {
          kind: "left",
          id: only.id,
          reason: "the delete answered 0 and the key could not be looked up: it may be gone already",
        };
      }
    }
    return { kind: "deleted", id: only.id };
  } catch (error) {
    return {
      kind: "left",
      id: only.id,
      reason: error instanceof XsiamApiError ? `HTTP ${error.status}` : "the delete failed",
    };
  }
}

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
        ? `could not single out the key (${outcome.reason}): keys ${outcome.candidates.join(", ")} may be it, none was deleted; the call's key has ${marker} in its comment`
        : `could not check (${outcome.reason}): look for a key with ${marker} in its comment`;
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
  for (let tries = 1; ; tries++) {
    if (!(failure instanceof XsiamError) || !mayHaveMinted(failure)) throw failure;
    const cause = failure;
    const outcome: GenerateOutcome =
      cause instanceof XsiamAbortError
        ? { kind: "unknown", reason: "the call was aborted", candidates: [] }
        : await findMinted({ roles: call.roles, expiration: call.expiration, marker, started }, call.finder);
    const failed = () =>
      new XsiamGenerateError({
        message: `generateApiKey failed (${failureSummary(cause)}): ${outcomeText(outcome, marker)}${tries > 1 ? ` [after ${tries} tries, each checked]` : ""}`,
        cause,
        outcome,
        marker,
        tries,
      });
    const safeToRetry = outcome.kind === "none" || outcome.kind === "deleted";
    if (!safeToRetry || tries > call.policy.maxRetries) throw failed();
    const wait = retryDelay(null, tries, call.policy, call.random, call.clock.now()) ?? 0;
    await sleep(wait, call.signal, call.clock).catch(() => {
      throw failed();
    });
    marker = newMarker();
    call.onSend?.({ marker, attempt: tries + 1 });
    started = call.clock.now();
    try {
      return await call.send(marker);
    } catch (next) {
      failure = next;
    }
  }
}
