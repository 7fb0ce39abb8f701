// The per-call marker that lets a failed generate find out whether it minted a key.
//
// Every generate puts a marker of its own in the comment it sends, `[xsiam-sdk:` + 16 random
// letters and digits + `]`, and sends an explicit expiration (the service's one-week default when
// the caller gave none). If the call fails after the request may have reached the service, the
// client lists the keys that have the call's roles and exactly that expiration, and looks for its
// marker. It relies on the service storing the comment as sent and listing it; on 16 characters
// from a 62-letter alphabet (95 bits, from the platform CSPRNG) never repeating; and on the
// service having finished with the request when the client checks (the connection is closed by
// then, or has timed out).
import { createNonce } from "@xsiam-sdk/auth";

const TOKEN_LENGTH = 16;
/** A marker at the end of a comment, as `withMarker` writes it. */
const TRAILING_MARKER = /\s*\[xsiam-sdk:[A-Za-z0-9]{16}\]$/;
/** Any marker, anywhere in a comment. */
const ANY_MARKER = /\[xsiam-sdk:[A-Za-z0-9]{16}\]/;

/**
 * A new marker, e.g. `[xsiam-sdk:q3XvR8kLm2Pw9TzA]`: the first 16 characters of a nonce, which are
 * uniform over `[A-Za-z0-9]` and come from the pooled platform CSPRNG that signs requests (a draw
 * of its own from `crypto.getRandomValues` per call was a measurable share of a generate's cost).
 */
export function newMarker(): string {
  return `[xsiam-sdk:${createNonce().slice(0, TOKEN_LENGTH)}]`;
}

/** The comment to send: the caller's, without a marker it may carry from an earlier key, then this call's. */
export function withMarker(comment: string | undefined, marker: string): string {
  const own = (comment ?? "").replace(TRAILING_MARKER, "");
  return own === "" ? marker : `${own} ${marker}`;
}

/** Whether a comment carries some call's marker. */
export function hasMarker(comment: string | null): boolean {
  return comment !== null && ANY_MARKER.test(comment);
}
