/**
 * The security level of an API key, fixed when the key was created.
 * - `advanced`: every request is signed with a fresh nonce and timestamp; the key never travels.
 * - `standard`: the key itself is sent in `Authorization`.
 */
export type SecurityLevel = "advanced" | "standard";

/** Options that identify and sign with one API key. */
export interface AuthOptions {
  /** The API key. Never logged, never part of an error message. */
  apiKey: string;
  /**
   * The key's id as shown in the console: a positive integer, sent as its decimal string in
   * `x-xdr-auth-id`.
   */
  apiKeyId: number | string;
  /**
   * The key's security level. Advanced keys are what the vendor recommends for scripts.
   * @default "advanced"
   */
  securityLevel?: SecurityLevel | undefined;
  /**
   * For multi-tenant parents acting on a child tenant: sent as `x-child-tenant-id`.
   * A request that sets that header itself keeps its own value.
   */
  childTenantId?: string | undefined;
  /**
   * Current time in epoch milliseconds; inject it to make signing deterministic in tests.
   * @default Date.now
   */
  now?: (() => number) | undefined;
  /**
   * Source of random bytes for nonces; inject it to make signing deterministic in tests.
   * @default the platform CSPRNG (`node:crypto` or `crypto.getRandomValues`)
   */
  randomBytes?: ((size: number) => Uint8Array) | undefined;
}

/** The headers that authenticate one request, keyed by lowercase header name. */
export type AuthHeaders = Record<string, string>;
