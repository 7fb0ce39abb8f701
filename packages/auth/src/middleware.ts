import type { MiddlewareCallbackParams } from "openapi-fetch";
import { cryptoBackend } from "#crypto";
import { CHILD_TENANT_HEADER, signerFor } from "./internal/signer.js";
import type { AuthOptions, SecurityLevel } from "./types.js";

/** An openapi-fetch middleware that signs every request with one API key. */
export interface AuthMiddleware {
  /** The security level requests are signed at: what a 401 most often gets wrong. */
  readonly securityLevel: SecurityLevel;
  /** Sets the auth headers on the request; openapi-fetch calls it once per request. */
  onRequest(params: MiddlewareCallbackParams): Promise<Request>;
  /**
   * Sets fresh auth headers (new nonce and timestamp) on `headers`, exactly as `onRequest` does.
   * A transport that retries below the middleware calls it again for every attempt, because an
   * advanced signature must never be reused.
   */
  signHeaders(headers: Headers): Promise<void>;
}

/**
 * Creates an openapi-fetch middleware that authenticates every request.
 * Options are validated here: an invalid one throws `XsiamAuthError` naming it.
 *
 * Auth headers always come from the key (a request cannot override them by accident);
 * `x-child-tenant-id` set on a request wins over the `childTenantId` option.
 *
 * @example
 * const client = createClient<paths>({ baseUrl: "https://api-mytenant.xdr.us.paloaltonetworks.com" });
 * client.use(createAuthMiddleware({ apiKey, apiKeyId: 2841 })); // advanced key
 */
export function createAuthMiddleware(options: AuthOptions): AuthMiddleware {
  const signer = signerFor(options, cryptoBackend);
  const signHeaders = async (headers: Headers): Promise<void> => {
    const signed = signer.sign();
    const auth = signed instanceof Promise ? await signed : signed;
    for (const [name, value] of Object.entries(auth)) {
      if (name !== CHILD_TENANT_HEADER || !headers.has(name)) headers.set(name, value);
    }
  };
  const middleware: AuthMiddleware = {
    securityLevel: signer.securityLevel,
    async onRequest({ request }) {
      await signHeaders(request.headers);
      return request;
    },
    signHeaders,
  };
  // No prototype: openapi-fetch calls `onResponse` and `onError` when a middleware has them, and
  // this one must not inherit them from a polluted Object.prototype.
  return Object.assign(Object.create(null) as AuthMiddleware, middleware);
}
