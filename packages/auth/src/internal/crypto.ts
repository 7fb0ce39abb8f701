/**
 * What signing needs from the platform. `#crypto` resolves, through the `imports` conditions in
 * package.json, to `crypto-node.ts` where `node:crypto` exists (Node, Bun, Deno) and to
 * `crypto-web.ts` elsewhere (browsers, edge workers), once, at module resolution.
 */
export interface CryptoBackend {
  /** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
  sha256Hex(text: string): string | Promise<string>;
  /** Fills `bytes` from the platform CSPRNG and returns it. */
  fillRandom(bytes: Uint8Array): Uint8Array;
  /**
   * Calls `discard` when this heap starts to run as a process it was not made in (a Node start-up
   * snapshot, deserialized by every process started from it), where random bytes drawn before
   * would be the same in each of them.
   */
  onNewProcess?(discard: () => void): void;
}
