import {
  type GenerateOutcome,
  XsiamAbortError,
  XsiamApiError,
  type XsiamError,
  XsiamNetworkError,
  XsiamTimeoutError,
  XsiamTransportError,
} from "../errors.js";
import type { ApiKeyInfo } from "./key-list.js";
import { hasMarker } from "./marker.js";
import { visible } from "./text.js";
import { reasonOf } from "./transport.js";
import type { ApiKeyFilter } from "./validate.js";

/** What finding a call's key needs from the client: listing and deleting, with the call's options. */
export interface KeyFinder {
  list(filter: ApiKeyFilter): Promise<ApiKeyInfo[]>;
  delete(id: number): Promise<unknown>;
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

/** The failure in a few words, for the message of an `XsiamGenerateError`. */
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
    const { updateCount } = (await finder.delete(only.id)) as { updateCount?: number };
    if (updateCount === 0) {
      const still = await finder.list({ ids: [only.id] }).then(
        (keys) => keys.some((key) => key.id === only.id),
        () => true,
      );
      if (still) return { kind: "left", id: only.id, reason: "the service deleted nothing" };
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
