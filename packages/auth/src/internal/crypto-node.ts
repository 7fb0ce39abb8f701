import { hash, randomFillSync } from "node:crypto";
import { startupSnapshot } from "node:v8";
import type { CryptoBackend } from "./crypto.js";

// One-shot `crypto.hash` is about three times cheaper than createHash().update().digest() for a
// ~140-byte input, and it is synchronous: no promise, no thread-pool hop.
export const cryptoBackend: CryptoBackend = {
  sha256Hex: (text) => hash("sha256", text, "hex"),
  fillRandom: (bytes) => randomFillSync(bytes),
  // A snapshot built with `node --build-snapshot` holds the heap as it was, pooled random bytes
  // included; every process started from it would draw the same nonces (and markers) first.
  onNewProcess: (discard) => {
    if (startupSnapshot?.isBuildingSnapshot()) startupSnapshot.addDeserializeCallback(discard);
  },
};
