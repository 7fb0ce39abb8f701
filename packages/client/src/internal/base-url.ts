import { XsiamValidationError } from "../errors.js";

const API_PREFIX = "api-";
const VENDOR_DOMAIN = ".paloaltonetworks.com";
// Pasted endpoint URLs end in one of these; the client adds the paths itself.
const PASTED_PATH = /\/public_api\/v1(?:\/api_keys(?:\/(?:generate|delete))?)?\/?$/;
const LOOPBACK = /^(?:localhost|\[::1\]|127(?:\.\d{1,3}){3})$/;

/** How the two connection options are called where they came from: options, or environment variables. */
export interface ConnectionNames {
  readonly fqdn: string;
  readonly baseUrl: string;
}

export const OPTION_NAMES: ConnectionNames = { fqdn: "fqdn", baseUrl: "baseUrl" };

const withApiPrefix = (hostname: string): string =>
  hostname.startsWith(API_PREFIX) ? hostname : `${API_PREFIX}${hostname}`;

/**
 * `https://api-{fqdn}` for a tenant host name. Accepts the name with or without its `api-`
 * prefix (never producing `api-api-`), and a trailing dot or slash.
 */
export function baseUrlFromFqdn(fqdn: unknown, names: ConnectionNames = OPTION_NAMES): string {
  if (typeof fqdn !== "string" || fqdn.includes("://")) {
    throw new XsiamValidationError(
      names.fqdn,
      `must be a host name like mytenant.xdr.us.paloaltonetworks.com (a URL goes in ${names.baseUrl})`,
    );
  }
  let url: URL;
  try {
    url = new URL(`https://${fqdn.trim().replace(/\/+$/, "").replace(/\.$/, "")}`);
  } catch {
    throw new XsiamValidationError(names.fqdn, "is not a valid host name");
  }
  if (url.hostname === "" || url.href !== `${url.origin}/`) {
    throw new XsiamValidationError(names.fqdn, "must be a host name only (no path, query or credentials)");
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
export function normaliseBaseUrl(baseUrl: unknown, field: string = OPTION_NAMES.baseUrl): string {
  let url: URL;
  try {
    url = new URL(String(baseUrl).trim());
  } catch {
    throw new XsiamValidationError(field, "is not a valid URL");
  }
  if (
    typeof baseUrl !== "string" ||
    !(url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.test(url.hostname)))
  ) {
    throw new XsiamValidationError(field, "must be an https URL (http only for loopback)");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new XsiamValidationError(field, "must not have credentials, a query or a fragment");
  }
  if (url.hostname.endsWith(VENDOR_DOMAIN)) url.hostname = withApiPrefix(url.hostname);
  return `${url.origin}${url.pathname.replace(PASTED_PATH, "").replace(/\/+$/, "")}`;
}
