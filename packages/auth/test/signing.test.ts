import { describe, expect, test } from "vitest";
import { type AuthHeaders, createSigner as createPublicSigner, signRequest } from "../src/index.js";
import type { CryptoBackend } from "../src/internal/crypto.js";
import { cryptoBackend as nodeCrypto } from "../src/internal/crypto-node.js";
import { cryptoBackend as webCrypto } from "../src/internal/crypto-web.js";
import { signerFor as createSigner } from "../src/internal/signer.js";
import { NON_ASCII_VECTORS, randomBytesFor, VECTOR } from "./vector.js";

const backends: Array<[string, CryptoBackend]> = [
  ["node:crypto", nodeCrypto],
  ["WebCrypto", webCrypto],
];

describe.each(backends)("advanced signing on the %s path", (_path, crypto) => {
  test("reproduces the vendor test vector", async () => {
    const signer = createSigner(
      {
        apiKey: VECTOR.apiKey,
        apiKeyId: 2841,
        now: () => VECTOR.timestamp,
        randomBytes: randomBytesFor(VECTOR.nonce),
      },
      crypto,
    );
    expect(await signer.sign()).toEqual({
      authorization: VECTOR.authorization,
      "x-xdr-auth-id": "2841",
      "x-xdr-nonce": VECTOR.nonce,
      "x-xdr-timestamp": "1700000000000",
    });
  });

  test.each(NON_ASCII_VECTORS)("hashes the UTF-8 bytes of the key %j", async (apiKey, authorization) => {
    const signer = createSigner(
      { apiKey, apiKeyId: 1, now: () => VECTOR.timestamp, randomBytes: randomBytesFor(VECTOR.nonce) },
      crypto,
    );
    expect((await signer.sign()).authorization).toBe(authorization);
  });
});

test("the node:crypto path is synchronous and the WebCrypto path is not", () => {
  const options = { apiKey: VECTOR.apiKey, apiKeyId: 1 };
  expect(createSigner(options, nodeCrypto).sign()).not.toBeInstanceOf(Promise);
  expect(createSigner(options, webCrypto).sign()).toBeInstanceOf(Promise);
});

describe("signRequest", () => {
  test("advanced is the default level and gives the four advanced headers", async () => {
    const headers = await signRequest({
      apiKey: VECTOR.apiKey,
      apiKeyId: "2841",
      now: () => VECTOR.timestamp,
      randomBytes: randomBytesFor(VECTOR.nonce),
    });
    expect(headers).toEqual({
      authorization: VECTOR.authorization,
      "x-xdr-auth-id": "2841",
      "x-xdr-nonce": VECTOR.nonce,
      "x-xdr-timestamp": "1700000000000",
    });
  });

  test("standard keys send the key itself and nothing else", async () => {
    const headers = await signRequest({ apiKey: "plain-key", apiKeyId: 7, securityLevel: "standard" });
    expect(headers).toEqual({ authorization: "plain-key", "x-xdr-auth-id": "7" });
  });

  test("childTenantId is added for both levels", async () => {
    for (const securityLevel of ["standard", "advanced"] as const) {
      const headers = await signRequest({
        apiKey: "k",
        apiKeyId: 7,
        securityLevel,
        childTenantId: "child-1",
      });
      expect(headers["x-child-tenant-id"]).toBe("child-1");
    }
  });

  test("the timestamp is the current time in epoch milliseconds, 13 digits", async () => {
    const before = Date.now();
    const headers = await signRequest({ apiKey: "k", apiKeyId: 7 });
    const timestamp = headers["x-xdr-timestamp"] ?? "";
    expect(timestamp).toMatch(/^\d{13}$/);
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(timestamp)).toBeLessThanOrEqual(Date.now());
  });

  test("a fractional clock is truncated to whole milliseconds", async () => {
    const headers = await signRequest({ apiKey: "k", apiKeyId: 7, now: () => VECTOR.timestamp + 0.75 });
    expect(headers["x-xdr-timestamp"]).toBe("1700000000000");
  });

  test("every call has a new nonce", async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 100; i++)
      nonces.add((await signRequest({ apiKey: "k", apiKeyId: 7 }))["x-xdr-nonce"] ?? "");
    expect(nonces.size).toBe(100);
  });
});

describe("createSigner", () => {
  test("validates once and signs every request, synchronously on node:crypto", () => {
    const signer = createPublicSigner({ apiKey: VECTOR.apiKey, apiKeyId: 2841, childTenantId: "child-7" });
    const first = signer.sign();
    const second = signer.sign();
    expect(first).not.toBeInstanceOf(Promise);
    expect(first).toMatchObject({ "x-xdr-auth-id": "2841", "x-child-tenant-id": "child-7" });
    expect((first as AuthHeaders)["x-xdr-nonce"]).not.toBe((second as AuthHeaders)["x-xdr-nonce"]);
    expect(signer.securityLevel).toBe("advanced");
  });

  test("throws XsiamAuthError at creation for a bad option", () => {
    expect(() => createPublicSigner({ apiKey: "k", apiKeyId: 0 })).toThrow(/^@xsiam-sdk\/auth: apiKeyId /);
  });
});
