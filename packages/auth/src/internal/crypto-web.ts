import type { CryptoBackend } from "./crypto.js";

const encoder = new TextEncoder();
const hexDigits = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function toHex(buffer: ArrayBuffer): string {
  let hex = "";
  for (const byte of new Uint8Array(buffer)) hex += hexDigits[byte];
  return hex;
}

export const cryptoBackend: CryptoBackend = {
  sha256Hex: async (text) => toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text))),
  fillRandom: (bytes) => crypto.getRandomValues(bytes),
};
