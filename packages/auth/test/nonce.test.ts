import { randomFillSync } from "node:crypto";
import { describe, expect, test } from "vitest";
import { createNonce, XsiamAuthError } from "../src/index.js";
import { bytesFor } from "./vector.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Pearson's chi-squared statistic of character counts against the uniform distribution. */
function chiSquared(text: string): number {
  const counts = new Map<string, number>([...ALPHABET].map((char) => [char, 0]));
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  const expected = text.length / ALPHABET.length;
  let statistic = 0;
  for (const count of counts.values()) statistic += (count - expected) ** 2 / expected;
  return statistic;
}
// Chi-squared with 61 degrees of freedom exceeds 129 with probability about 1e-6
// (Wilson–Hilferty), so a fair generator fails this test about once in a million runs.
const CRITICAL_61_DOF = 129;

describe("createNonce", () => {
  test("is 64 characters from [A-Za-z0-9]", () => {
    for (let i = 0; i < 10_000; i++) expect(createNonce()).toMatch(/^[A-Za-z0-9]{64}$/);
  });

  test("draws every character uniformly", () => {
    let text = "";
    for (let i = 0; i < 20_000; i++) text += createNonce();
    expect(new Set(text).size).toBe(62);
    expect(chiSquared(text)).toBeLessThan(CRITICAL_61_DOF);
  });

  test("the uniformity check would catch modulo bias", () => {
    // The same test applied to the naive `byte % 62` mapping fails by a wide margin.
    const bytes = randomFillSync(new Uint8Array(20_000 * 64));
    const biased = Array.from(bytes, (byte) => ALPHABET[byte % 62]).join("");
    expect(chiSquared(biased)).toBeGreaterThan(10 * CRITICAL_61_DOF);
  });

  test("has no duplicate in 1,000,000", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) seen.add(createNonce());
    expect(seen.size).toBe(1_000_000);
  }, 60_000);

  test("maps 16-bit draws below 65348 to pairs of characters and skips the rest (rejection sampling)", () => {
    const pairs = [
      [0xff, 0x44], // 65348: the first rejected draw
      [0x00, 0x00], // pair 0: "AA"
      [0xff, 0xff], // rejected
      [0x0f, 0x03], // 3843: "99", the last pair
      [0x0f, 0x04], // 3844 wraps to pair 0: "AA"
      [0xff, 0x43], // 65347 = 17 × 3844 - 1: the last accepted draw, pair 3843: "99"
      ...bytesFor("Az0a".repeat(15)),
    ].flat();
    expect(createNonce(() => Uint8Array.from(pairs))).toBe(`AA99AA99${"Az0a".repeat(14)}`);
  });

  test("asks the random source again when a draw ran out of usable bytes", () => {
    const sizes: number[] = [];
    const nonce = createNonce((size) => {
      sizes.push(size);
      return Uint8Array.from(bytesFor("DE".repeat(20)));
    });
    expect(nonce).toBe("DE".repeat(32));
    expect(sizes).toEqual([64, 64]);
  });

  test("a source that never yields usable bytes is an error, not a hang", () => {
    expect(() => createNonce(() => new Uint8Array(64).fill(255))).toThrow(XsiamAuthError);
    expect(() => createNonce(() => new Uint8Array(64).fill(255))).toThrow(
      /randomBytes keeps returning bytes/,
    );
  });

  test.each([
    ["an empty array", () => new Uint8Array(0)],
    ["a single byte", () => new Uint8Array(1)],
    ["a plain array", () => [1, 2, 3] as unknown as Uint8Array],
  ])("a source that returns %s is an XsiamAuthError", (_label, randomBytes) => {
    expect(() => createNonce(randomBytes)).toThrow(
      /^@xsiam-sdk\/auth: randomBytes must return a Uint8Array of at least 2 bytes$/,
    );
  });

  test("a randomBytes that is not a function is an XsiamAuthError", () => {
    expect(() => createNonce("abc" as unknown as () => Uint8Array)).toThrow(XsiamAuthError);
  });
});
