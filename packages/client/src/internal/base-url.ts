import { XsiamValidationError } from "../errors.js";

const API_PREFIX = "api-";
const VENDOR_DOMAIN = ".paloaltonetworks.com";
// Pasted endpoint URLs end in one of these; the client adds the paths itself.
const PASTED_PATH = /\/public_api\/v1(?:\/api_keys(?:\/(?:generate|delete))?)?\/?$/;

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function withApiPrefix(hostname: string): string {
  return hostname.startsWith(API_PREFIX) ? hostname : `${API_PREFIX}${hostname}`;
}

/**
 * `https://api-{fqdn}` for a tenant host name. Accepts the name with or without its `api-`
 * prefix (never producing `api-api-`), and a trailing dot or slash.
 */
export function baseUrlFromFqdn(fqdn: unknown): string {
  if (typeof fqdn !== "string" || fqdn.trim() === "") {
    throw new XsiamValidationError(
      "fqdn",
      "must be the tenant's host name, e.g. mytenant.xdr.us.paloaltonetworks.com",
    );
  }
  if (fqdn.includes("://")) {
    throw new XsiamValidationError(
      "fqdn",
      "must be a host name without a scheme; pass a full URL as baseUrl instead",
    );
  }
  const host = fqdn.trim().replace(/\/+$/, "").replace(/\.$/, "");
  let url: URL;
  try {
    url = new URL(`https://${host}`);
  } catch {
    throw new XsiamValidationError("fqdn", "is not a valid host name");
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    throw new XsiamValidationError("fqdn", "must be a host name only, without a path, query or credentials");
  }
  url.hostname = withApiPrefix(url.hostname);
  return url.origin;
}

/**
 * Normalises a base URL: https only (http for loopback, i.e. a local mock), no credentials,
 * query or fragment, no trailing slash, and no pasted `/public_api/v1…` path. A tenant host
 * under paloaltonetworks.com gets the `api-` prefix if it lacks it; any other host (a proxy, a
 * gateway, a mock) is used as given.
 */
export function normaliseBaseUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== "string" || baseUrl.trim() === "") {
    throw new XsiamValidationError(
      "baseUrl",
      "must be a URL, e.g. https://api-mytenant.xdr.us.paloaltonetworks.com",
    );
  }
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new XsiamValidationError("baseUrl", "is not a valid URL (it needs a scheme, e.g. https://)");
  }
  if (url.username || url.password) {
    throw new XsiamValidationError("baseUrl", "must not contain credentials; the API key goes in apiKey");
  }
  if (url.search || url.hash) {
    throw new XsiamValidationError("baseUrl", "must not have a query string or fragment");
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new XsiamValidationError(
      "baseUrl",
      "must use https (plain http is only allowed for a loopback host)",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new XsiamValidationError("baseUrl", "must be an https URL");
  }
  if (url.hostname.endsWith(VENDOR_DOMAIN)) url.hostname = withApiPrefix(url.hostname);
  const path = url.pathname.replace(PASTED_PATH, "").replace(/\/+$/, "");
  return `${url.origin}${path}`;
}
