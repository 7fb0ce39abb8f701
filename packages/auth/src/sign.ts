import { cryptoBackend } from "#crypto";
import { type RequestSigner, signerFor } from "./internal/signer.js";
import type { AuthHeaders, AuthOptions } from "./types.js";

/**
 * Validates `options` once and returns a signer for any number of requests: the cheapest way to
 * sign many requests without openapi-fetch. Throws `XsiamAuthError` naming an invalid option.
 *
 * @example
 * const signer = createSigner({ apiKey, apiKeyId: 2841 });
 * const headers = await signer.sign(); // for every request, retries included
 */
export function createSigner(options: AuthOptions): RequestSigner {
  return signerFor(options, cryptoBackend);
}

/**
 * The headers that authenticate one request, for callers that do not use openapi-fetch.
 * Every call validates the options and draws a new nonce and timestamp (advanced keys).
 * Rejects with `XsiamAuthError` when an option is invalid.
 *
 * @example
 * const headers = await signRequest({ apiKey, apiKeyId: 2841 });
 * await fetch(`https://api-${fqdn}/public_api/v1/api_keys/delete`, { method: "POST", headers, body });
 */
export function signRequest(options: AuthOptions): Promise<AuthHeaders> {
  // Not an async function: on node:crypto the headers are ready synchronously, and wrapping them
  // once costs less than the promise ticks an `await` inside would add to every call.
  try {
    const headers = signerFor(options, cryptoBackend).sign();
    return headers instanceof Promise ? headers : Promise.resolve(headers);
  } catch (error) {
    return Promise.reject(error);
  }
}
