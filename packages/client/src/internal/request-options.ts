import type { Client, ClientOptions } from "openapi-fetch";
import { XsiamValidationError } from "../errors.js";
import type { paths } from "../generated/openapi.js";
import { normaliseBaseUrl } from "./base-url.js";
import type { CallFetch as Transport } from "./transport.js";

// RFC 9110 token: what a header name may be.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// What fetch refuses in a header value (with a TypeError that quotes the value, or an error the
// client would take for a network failure after sending): a control character but tab, or a
// character outside Latin-1.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
const BREAKS_HEADER = /[\0-\x08\x0a-\x1f\x7f]|[^\0-\xff]/;
// Headers the transport sets from the request itself: set per call, fetch fails or hangs.
const TRANSPORT_HEADERS =
  /^(?:connection|content-length|expect|host|keep-alive|proxy-connection|te|trailer|transfer-encoding|upgrade)$/i;
const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;
// Every option openapi-fetch, and the Request it builds, read by name. Each is set on a call's
// options, `undefined` if the caller did not set it, so that none can be inherited from a
// polluted Object.prototype (a `signal` that aborts every call, `headers` sent with every call…).
const READ_BY_NAME = [
  "Request",
  "body",
  "bodySerializer",
  "cache",
  "credentials",
  "duplex",
  "headers",
  "integrity",
  "keepalive",
  "middleware",
  "mode",
  "params",
  "parseAs",
  "pathSerializer",
  "priority",
  "querySerializer",
  "redirect",
  "referrer",
  "referrerPolicy",
  "signal",
  "window",
] as const;
export const UNSET: Readonly<Record<string, undefined>> = Object.fromEntries(
  READ_BY_NAME.map((name) => [name, undefined]),
);

/** One header of a `headers` option, as a name and its values, whatever form the option takes. */
function entriesOf(headers: unknown): Array<[string, unknown]> {
  if (headers instanceof Headers) return []; // a Headers object was checked when it was filled
  if (Array.isArray(headers))
    return headers.map((pair) => (Array.isArray(pair) ? [String(pair[0]), pair[1]] : ["", pair]));
  return Object.entries(headers as object);
}

/**
 * Checks the headers a caller adds to one call, before fetch sees them: fetch's own error for a
 * line break quotes the value, which may be a proxy token. Names a bad header, never its value.
 */
export function checkHeaders(headers: unknown, field: string): void {
  if (headers === undefined || headers === null) return;
  if (typeof headers !== "object") {
    throw new XsiamValidationError(field, "must be an object of header names and values");
  }
  for (const [name, value] of entriesOf(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new XsiamValidationError(field, "has a header name that is not a valid HTTP token");
    }
    if (TRANSPORT_HEADERS.test(name)) {
      throw new XsiamValidationError(`${field}["${name}"]`, "is set by the transport, not per call");
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && item !== undefined && BREAKS_HEADER.test(String(item))) {
        throw new XsiamValidationError(
          `${field}["${name}"]`,
          "has a control character or a character outside Latin-1, which a header value cannot carry",
        );
      }
    }
  }
}

/**
 * The options of one `raw` call, held to the client's rules: it is sent through the client's
 * transport (a per-request `fetch` would skip the timeout, retries, body cap and redaction, so it
 * is refused), a per-request `baseUrl` must pass the same checks as the client's, and headers are
 * checked. `fetch` and `baseUrl` are always set, so nothing inherited can stand in for them.
 */
function checkedInit(init: unknown, transport: Transport, baseUrl: string): Record<string, unknown> {
  if (init === undefined) return { ...UNSET, fetch: transport, baseUrl };
  if (typeof init !== "object" || init === null) {
    throw new XsiamValidationError("init", "must be an object of openapi-fetch request options");
  }
  const own = init as Record<string, unknown>;
  if (Object.hasOwn(own, "fetch") && own.fetch !== undefined && own.fetch !== transport) {
    throw new XsiamValidationError(
      "fetch",
      "cannot be set for one raw call: every call goes through the client's transport (set fetch on the client)",
    );
  }
  const localBase = Object.hasOwn(own, "baseUrl") ? own.baseUrl : undefined;
  checkHeaders(Object.hasOwn(own, "headers") ? own.headers : undefined, "headers");
  const params = Object.hasOwn(own, "params") ? own.params : undefined;
  if (typeof params === "object" && params !== null && Object.hasOwn(params, "header")) {
    checkHeaders((params as { header?: unknown }).header, "params.header");
  }
  return {
    ...UNSET,
    ...own,
    fetch: transport,
    baseUrl: localBase === undefined || localBase === "" ? baseUrl : normaliseBaseUrl(localBase),
  };
}

/**
 * The options of openapi-fetch's `createClient`, with every one it reads by name set, so that none
 * is inherited from a polluted Object.prototype (`headers` that every call would send…).
 */
export function clientOptions(baseUrl: string, transport: Transport): ClientOptions {
  return {
    ...UNSET,
    baseUrl,
    fetch: transport,
    querySerializer: undefined,
    bodySerializer: undefined,
    pathSerializer: undefined,
    requestInitExt: undefined,
  } as unknown as ClientOptions;
}

/** The openapi-fetch client `client`, with every call's options checked by `checkedInit` first. */
export function guardedClient(client: Client<paths>, transport: Transport, baseUrl: string): Client<paths> {
  const guarded: Record<string, unknown> = { ...client };
  for (const method of METHODS) {
    const send = client[method] as (url: unknown, init: unknown) => Promise<unknown>;
    guarded[method] = (url: unknown, init: unknown) => {
      try {
        return send(url, checkedInit(init, transport, baseUrl));
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }
  const request = client.request as (method: unknown, url: unknown, init: unknown) => Promise<unknown>;
  guarded.request = (method: unknown, url: unknown, init: unknown) => {
    try {
      return request(method, url, checkedInit(init, transport, baseUrl));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return guarded as unknown as Client<paths>;
}
