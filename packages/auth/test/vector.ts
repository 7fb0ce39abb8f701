// The vendor-facts test vector, copied here: the project never reads ../shared at test time.
export const VECTOR = {
  apiKey: "test_api_key",
  nonce: `${"A".repeat(32)}${"b".repeat(16)}0123456789abcdef`,
  timestamp: 1_700_000_000_000,
  authorization: "6c1f22422dd4c2ac28eee43fba0a4df4adb13fba38030a5c66a9f9c3d1f76761",
} as const;

/** Vectors with non-ASCII keys, computed independently with Python's hashlib over UTF-8 bytes. */
export const NON_ASCII_VECTORS: ReadonlyArray<readonly [key: string, authorization: string]> = [
  ["clé-secrète-ünïcödé", "60bd60cf59fbde97aa939d1932eecfda9d94d4a31c2502d43a6666142bde54e9"],
  ["密钥🔑key", "01f208683e8698f340900f7c0f250c46d0de44c7d1626ffc7cca32a86b6e4eb8"],
  // Precomposed and decomposed "é" hash differently: the key's bytes are used as given.
  ["\u00e9", "e439c35781fee4bc60102af8e41a708a0ec45e5d7429855b1967576a95c14a60"],
  ["e\u0301", "293145a281f717f43f05c6e784daff315cceef506bad238eb35250cecb7bbc09"],
];

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The bytes from which the nonce generator makes `text`: it reads big-endian 16-bit draws and
 * turns draw `d` (below 65348) into the pair of characters number `d % 3844`.
 */
export function bytesFor(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 2) {
    const pair = ALPHABET.indexOf(text.charAt(i)) * 62 + ALPHABET.indexOf(text.charAt(i + 1));
    bytes.push(pair >> 8, pair & 0xff);
  }
  return bytes;
}

/** A `randomBytes` that makes the nonce generator produce exactly `nonce`, then fails. */
export function randomBytesFor(nonce: string): (size: number) => Uint8Array {
  const bytes = Uint8Array.from(bytesFor(nonce));
  let used = false;
  return () => {
    if (used) throw new Error("randomBytesFor: asked for more bytes than one nonce");
    used = true;
    return bytes;
  };
}
