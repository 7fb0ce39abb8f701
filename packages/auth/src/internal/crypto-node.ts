import { hash, randomFillSync } from "node:crypto";
import type { CryptoBackend } from "./crypto.js";

// One-shot `crypto.hash` is about three times cheaper than createHash().update().digest() for a
// ~140-byte input, and it is synchronous: no promise, no thread-pool hop.
export const cryptoBackend: CryptoBackend = {
  sha256Hex: (text) => hash("sha256", text, "hex"),
  fillRandom: (bytes) => randomFillSync(bytes),
};
