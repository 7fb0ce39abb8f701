import { XsiamValidationError } from "@xsiam-sdk/client";

/**
 * The Redis key of a tenant's budget, derived from the client's `baseUrl` as `xsiam-keys` and
 * `xsiam-mcp` derive it when `XSIAM_REDIS_URL` is set: `xsiam:rate:` and the URL's host, in lower
 * case, with its port when it is not the default one. Every process that calls the same tenant
 * through any of them, or through your code that uses this function, shares one budget. A child
 * tenant reached through its parent's URL shares the parent's budget: the requests go to the
 * parent's host.
 *
 * @example
 * tenantRateLimitKey(xsiam.baseUrl); // "xsiam:rate:api-acme.xdr.us.paloaltonetworks.com"
 */
export function tenantRateLimitKey(baseUrl: string): string {
  let host: string;
  try {
    host = new URL(baseUrl).host;
  } catch {
    throw new XsiamValidationError("baseUrl", "must be an absolute URL, such as a client's baseUrl");
  }
  if (host === "") throw new XsiamValidationError("baseUrl", "must be a URL with a host");
  return `xsiam:rate:${host.toLowerCase()}`;
}
