import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { StoredKey } from "./store.js";

/** The clock window the service accepts for `x-xdr-timestamp`: clients say five minutes. */
export const CLOCK_WINDOW_MS: number = 5 * 60_000;
const KEY_ID = /^[1-9][0-9]{0,15}$/;
// 64 characters from [A-Za-z0-9] (lowercase hex, which the old Node client sent, is a subset).
const NONCE = /^[A-Za-z0-9]{64}$/;
const TIMESTAMP = /^[0-9]{13}$/;

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === "string" ? value : undefined;
};

/** Constant-time comparison of two strings (of any lengths). */
function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Nonces seen within the clock window, per key: a nonce used twice is a replay. */
export class NonceLog {
  readonly #seen = new Map<string, number>();

  /** Records `nonce` for `keyId`; false if it was already used within the window. */
  record(keyId: number, nonce: string, now: number): boolean {
    for (const [entry, at] of this.#seen) if (at < now - 2 * CLOCK_WINDOW_MS) this.#seen.delete(entry);
    const entry = `${keyId}:${nonce}`;
    if (this.#seen.has(entry)) return false;
    this.#seen.set(entry, now);
    return true;
  }
}

/** The id a request claims in `x-xdr-auth-id`, if it is one. */
export function claimedKeyId(headers: IncomingHttpHeaders): number | undefined {
  const id = header(headers, "x-xdr-auth-id");
  return id !== undefined && KEY_ID.test(id) ? Number(id) : undefined;
}

/**
 * Whether the request's headers authenticate as `key`, as the service checks them: a standard
 * key is the `Authorization` value itself; an advanced key signs `key + nonce + timestamp` with
 * SHA-256, with a timestamp within five minutes and a nonce never seen before. An expired key
 * authenticates nothing.
 */
export function authenticates(
  headers: IncomingHttpHeaders,
  key: StoredKey,
  now: number,
  nonces: NonceLog,
): boolean {
  const authorization = header(headers, "authorization");
  if (authorization === undefined || (key.expiration !== null && key.expiration <= now)) return false;
  if (key.securityLevel === "standard") return same(authorization, key.secret);
  const nonce = header(headers, "x-xdr-nonce");
  const timestamp = header(headers, "x-xdr-timestamp");
  if (nonce === undefined || timestamp === undefined || !NONCE.test(nonce) || !TIMESTAMP.test(timestamp)) {
    return false;
  }
  if (Math.abs(now - Number(timestamp)) > CLOCK_WINDOW_MS) return false;
  const expected = createHash("sha256").update(`${key.secret}${nonce}${timestamp}`, "utf8").digest("hex");
  return same(authorization, expected) && nonces.record(key.id, nonce, now);
}
