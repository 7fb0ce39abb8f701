// The per-call marker that lets a failed generate find out whether it minted a key.
//
// Every generate puts a marker of its own at the end of the comment it sends, `[xsiam-sdk:` + 16
// random letters and digits + `]` (after one space when there is a comment), and sends an explicit
// expiration (the service's one-week default when the caller gave none). `list` and `get` take the
// marker off again: a key's `comment` is the caller's, its `marker` the call's. If the call fails
// after the request may have reached the service, the client lists the keys that have the call's
// roles and exactly that expiration, and looks for its marker. It relies on the service storing the
// comment as sent and listing it, and on 16 characters from a 62-letter alphabet (95 bits, from the
// platform CSPRNG) never repeating.
import { createNonce } from "@xsiam-sdk/auth";

const TOKEN_LENGTH = 16;
/** A marker at the end of a stored comment, as generate writes it (after a space, if any). */
const TRAILING_MARKER = / ?\[xsiam-sdk:[A-Za-z0-9]{16}\]$/;

/**
 * A new marker, e.g. `[xsiam-sdk:q3XvR8kLm2Pw9TzA]`: the first 16 characters of a nonce, which are
 * uniform over `[A-Za-z0-9]` and come from the pooled platform CSPRNG that signs requests (a draw
 * of its own from `crypto.getRandomValues` per call was a measurable share of a generate's cost).
 */
export function newMarker(): string {
  return `[xsiam-sdk:${createNonce().slice(0, TOKEN_LENGTH)}]`;
}

/** A stored comment split into the caller's comment (`null` when there was none) and the call's marker. */
export function splitMarker(stored: string | null): [comment: string | null, marker: string | null] {
  const at = stored?.search(TRAILING_MARKER) ?? -1;
  return stored === null || at < 0 ? [stored, null] : [stored.slice(0, at) || null, stored.slice(at).trim()];
}
