import { cryptoBackend } from "#crypto";
import { XsiamAuthError } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const NONCE_LENGTH = 64;
// Two characters per 16-bit draw: 62² = 3844 pairs, and 17 × 3844 = 65348 ≤ 65536. Draws from
// 65348 up are dropped (rejection sampling, 0.3% of them), so every pair, and so every character,
// is exactly equally likely, with half the draws of one character per byte (`pnpm bench`,
// signing, measures what that buys).
const PAIRS = ALPHABET.length * ALPHABET.length;
const ACCEPT_BELOW = PAIRS * Math.floor(65536 / PAIRS);
// The two character codes of each pair, high byte first.
const PAIR_CODES = Uint16Array.from(
  { length: PAIRS },
  (_, pair) =>
    (ALPHABET.charCodeAt(Math.floor(pair / ALPHABET.length)) << 8) |
    ALPHABET.charCodeAt(pair % ALPHABET.length),
);
// Ample for any random source: an unbiased one needs a second draw about never.
const MAX_DRAWS_PER_NONCE = 1_000;
// Nonce bytes are ASCII, which UTF-8 decodes as is, and V8 decodes UTF-8 fastest.
const decoder = new TextDecoder();

/** Draws `size` random bytes. */
export type RandomBytes = (size: number) => Uint8Array;

/**
 * Returns a function that makes nonces from `randomBytes`, asking it for `drawSize` bytes at a
 * time and keeping what one nonce leaves over for the next. Bytes are read in big-endian pairs.
 */
export function nonceFactory(
  randomBytes: RandomBytes,
  drawSize: number,
  onNewProcess?: (discard: () => void) => void,
): () => string {
  let pool: Uint8Array = new Uint8Array(0);
  let position = 0;
  const codes = new Uint8Array(NONCE_LENGTH);
  // Bytes drawn in another process (a start-up snapshot's) are not random here: draw afresh.
  onNewProcess?.(() => {
    pool = new Uint8Array(0);
  });
  return () => {
    let length = 0;
    let draws = 0;
    while (length < NONCE_LENGTH) {
      if (position + 1 >= pool.length) {
        if (++draws > MAX_DRAWS_PER_NONCE) {
          throw new XsiamAuthError(
            "randomBytes",
            "keeps returning bytes that cannot make a nonce; is it random?",
          );
        }
        pool = randomBytes(drawSize);
        if (!(pool instanceof Uint8Array) || pool.length < 2) {
          throw new XsiamAuthError("randomBytes", "must return a Uint8Array of at least 2 bytes");
        }
        position = 0;
      }
      const draw = ((pool[position] ?? 255) << 8) | (pool[position + 1] ?? 255);
      position += 2;
      if (draw < ACCEPT_BELOW) {
        const pair = PAIR_CODES[draw % PAIRS] ?? 0;
        codes[length++] = pair >> 8;
        codes[length++] = pair & 0xff;
      }
    }
    return decoder.decode(codes);
  };
}

/**
 * Nonces from the platform CSPRNG, drawn 4 KiB (about 60 nonces) at a time; what is left of a draw
 * is dropped when a start-up snapshot starts as a new process.
 */
export const platformNonce: () => string = nonceFactory(
  (size) => cryptoBackend.fillRandom(new Uint8Array(size)),
  4096,
  cryptoBackend.onNewProcess,
);

/**
 * A nonce for an advanced-key request: 64 characters drawn uniformly from `[A-Za-z0-9]` by
 * rejection sampling (no modulo bias).
 *
 * @param randomBytes source of random bytes; defaults to the platform CSPRNG.
 * @example
 * createNonce() // "q3Xv…" (64 characters)
 */
export function createNonce(randomBytes?: RandomBytes): string {
  if (randomBytes === undefined) return platformNonce();
  if (typeof randomBytes !== "function") throw new XsiamAuthError("randomBytes", "must be a function");
  return nonceFactory(randomBytes, NONCE_LENGTH)();
}
