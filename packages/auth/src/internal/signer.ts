import { XsiamAuthError } from "../errors.js";
import { nonceFactory, platformNonce } from "../nonce.js";
import { described, oneOf, ownCopy } from "../options.js";
import type { AuthHeaders, AuthOptions, SecurityLevel } from "../types.js";
import type { CryptoBackend } from "./crypto.js";

/**
 * Signs requests with one API key: the options are validated once, then `sign()` is called for
 * every request. The key is held in a closure, never in a property.
 */
export interface RequestSigner {
  /** The key's security level. */
  readonly securityLevel: SecurityLevel;
  /** The child tenant every request is signed for, if any. */
  readonly childTenantId: string | undefined;
  /**
   * The headers for one request: a new nonce and timestamp on every call (advanced keys), and
   * `x-child-tenant-id` when configured. Synchronous on the `node:crypto` path (Node, Bun, Deno),
   * a promise on the WebCrypto path; `await` works for both.
   */
  sign(): AuthHeaders | Promise<AuthHeaders>;
}

// Visible ASCII, with single spaces or tabs allowed inside: what an HTTP header value can carry
// without being rejected (or echoed back in the error) by fetch.
const HEADER_VALUE = /^[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*$/;
const DECIMAL_ID = /^[1-9][0-9]*$/;

/** The header that selects a child tenant; a request that sets it keeps its own value. */
export const CHILD_TENANT_HEADER = "x-child-tenant-id";

const OPTION_NAMES = ["apiKey", "apiKeyId", "securityLevel", "childTenantId", "now", "randomBytes"] as const;
const LEVELS: readonly SecurityLevel[] = ["advanced", "standard"];

/**
 * The options `options` sets itself, each read once. An option inherited from a prototype is not
 * set: a polluted `Object.prototype.securityLevel` must not downgrade an advanced key.
 */
const ownOptions = (options: AuthOptions): Partial<AuthOptions> => ownCopy(options, OPTION_NAMES);

function keyOf(options: Partial<AuthOptions>, securityLevel: SecurityLevel): string {
  const { apiKey } = options;
  if (typeof apiKey !== "string")
    throw new XsiamAuthError("apiKey", `must be a string (got ${described(apiKey)})`);
  if (apiKey.trim() === "") throw new XsiamAuthError("apiKey", "must not be empty");
  if (apiKey !== apiKey.trim()) {
    throw new XsiamAuthError("apiKey", "has surrounding whitespace (a pasted newline?)");
  }
  if (securityLevel === "standard" && !HEADER_VALUE.test(apiKey)) {
    throw new XsiamAuthError(
      "apiKey",
      "has characters an HTTP header cannot carry (standard keys are sent as is)",
    );
  }
  return apiKey;
}

function keyIdOf({ apiKeyId }: Partial<AuthOptions>): string {
  if (typeof apiKeyId === "string" && apiKeyId !== apiKeyId.trim() && DECIMAL_ID.test(apiKeyId.trim())) {
    throw new XsiamAuthError("apiKeyId", "has surrounding whitespace (a pasted newline?)");
  }
  const valid =
    typeof apiKeyId === "number"
      ? Number.isSafeInteger(apiKeyId) && apiKeyId > 0
      : typeof apiKeyId === "string" && DECIMAL_ID.test(apiKeyId) && Number.isSafeInteger(Number(apiKeyId));
  if (!valid) {
    throw new XsiamAuthError("apiKeyId", `must be a positive integer (got ${described(apiKeyId)})`);
  }
  return String(apiKeyId);
}

function levelOf({ securityLevel = "advanced" }: Partial<AuthOptions>): SecurityLevel {
  // A level is not a secret, but a key pasted here would be: the value is shown only when it is
  // a level with another case or stray spaces.
  if (securityLevel !== "advanced" && securityLevel !== "standard") {
    throw new XsiamAuthError("securityLevel", oneOf(securityLevel, LEVELS));
  }
  return securityLevel;
}

function childTenantOf({ childTenantId }: Partial<AuthOptions>): string | undefined {
  if (childTenantId === undefined) return undefined;
  if (typeof childTenantId !== "string" || !HEADER_VALUE.test(childTenantId)) {
    throw new XsiamAuthError("childTenantId", `must be visible ASCII text (got ${described(childTenantId)})`);
  }
  return childTenantId;
}

function functionOf<T>(value: T | undefined, option: "now" | "randomBytes"): T | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new XsiamAuthError(option, `must be a function (got ${described(value)})`);
  }
  return value;
}

function timestampOf(now: () => number): string {
  const milliseconds = Math.trunc(now());
  if (!Number.isSafeInteger(milliseconds) || milliseconds <= 0) {
    throw new XsiamAuthError("now", "must return the current time in epoch milliseconds");
  }
  return String(milliseconds);
}

/** Validates `options` (throwing `XsiamAuthError` naming the bad one) and returns a signer. */
export function signerFor(options: AuthOptions, crypto: CryptoBackend): RequestSigner {
  if (typeof options !== "object" || options === null) {
    throw new XsiamAuthError("options", "must be an object with apiKey and apiKeyId");
  }
  const own = ownOptions(options);
  const securityLevel = levelOf(own);
  const apiKey = keyOf(own, securityLevel);
  const apiKeyId = keyIdOf(own);
  const childTenantId = childTenantOf(own);
  const now = functionOf(own.now, "now") ?? Date.now;
  const randomBytes = functionOf(own.randomBytes, "randomBytes");
  const nextNonce = randomBytes ? nonceFactory(randomBytes, 64) : platformNonce;

  if (securityLevel === "standard") {
    return {
      securityLevel,
      childTenantId,
      sign: () =>
        childTenantId === undefined
          ? { authorization: apiKey, "x-xdr-auth-id": apiKeyId }
          : { authorization: apiKey, "x-xdr-auth-id": apiKeyId, [CHILD_TENANT_HEADER]: childTenantId },
    };
  }
  // Built once, not per request: this runs on every request's path.
  const advancedHeaders = (authorization: string, nonce: string, timestamp: string): AuthHeaders =>
    childTenantId === undefined
      ? { authorization, "x-xdr-auth-id": apiKeyId, "x-xdr-nonce": nonce, "x-xdr-timestamp": timestamp }
      : {
          authorization,
          "x-xdr-auth-id": apiKeyId,
          "x-xdr-nonce": nonce,
          "x-xdr-timestamp": timestamp,
          [CHILD_TENANT_HEADER]: childTenantId,
        };
  return {
    securityLevel,
    childTenantId,
    sign: () => {
      const nonce = nextNonce();
      const timestamp = timestampOf(now);
      const digest = crypto.sha256Hex(apiKey + nonce + timestamp);
      return typeof digest === "string"
        ? advancedHeaders(digest, nonce, timestamp)
        : digest.then((hex) => advancedHeaders(hex, nonce, timestamp));
    },
  };
}
