import type { Client, ClientOptions } from "openapi-fetch";
import { XsiamValidationError } from "../errors.js";
import type { paths } from "../generated/openapi.js";
import { RETRY_OPTIONS } from "../reliability.js";
import { normaliseBaseUrl } from "./base-url.js";
import type { CallFetch as Transport } from "./transport.js";

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

/**
 * The options of one `raw` call, held to the client's rules: it is sent through the client's
 * transport (a per-request `fetch` would skip the timeout, retries, body cap and redaction, so it
 * is refused, and so are retry options, which only `withOptions` sets), a per-request `baseUrl` must pass the same checks as the client's, and headers are
 * checked. `fetch` and `baseUrl` are always set, so nothing inherited can stand in for them.
 */
function checkedInit(init: unknown, transport: Transport, baseUrl: string): Record<string, unknown> {
  if (init === undefined) return { ...UNSET, fetch: transport, baseUrl };
  if (typeof init !== "object" || init === null) {
    throw new XsiamValidationError("init", "must be an object of openapi-fetch request options");
  }
  const own = init as Record<string, unknown>;
  // Every call goes through the client's transport, with the client's retry policy: openapi-fetch
  // would pass these on unread, and the call would run without what they ask for.
  for (const name of ["fetch", ...RETRY_OPTIONS]) {
    if (Object.hasOwn(own, name) && own[name] !== undefined && own[name] !== transport) {
      throw new XsiamValidationError(
        name,
        `cannot be set for one raw call: set it on the client${name === "fetch" ? "" : ", or call xsiam.withOptions({ … }).raw"}`,
      );
    }
  }
  const localBase = Object.hasOwn(own, "baseUrl") ? own.baseUrl : undefined;
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

/**
 * The headers a raw call adds (`headers`, `params.header`), checked before anything is sent; the
 * checks load only for a call that adds some.
 */
async function checkInitHeaders(init: Record<string, unknown>): Promise<void> {
  const params = init.params;
  const header =
    typeof params === "object" && params !== null && Object.hasOwn(params, "header")
      ? (params as { header?: unknown }).header
      : undefined;
  if (init.headers == null && header == null) return;
  const { checkHeaders } = await import("./headers.js");
  checkHeaders(init.headers, "headers");
  checkHeaders(header, "params.header");
}

/** The openapi-fetch client `client`, with every call's options checked by `checkedInit` first. */
export function guardedClient(client: Client<paths>, transport: Transport, baseUrl: string): Client<paths> {
  const guarded: Record<string, unknown> = { ...client };
  for (const method of METHODS) {
    const send = client[method] as (url: unknown, init: unknown) => Promise<unknown>;
    guarded[method] = async (url: unknown, init: unknown) => {
      const checked = checkedInit(init, transport, baseUrl);
      await checkInitHeaders(checked);
      return send(url, checked);
    };
  }
  const request = client.request as (method: unknown, url: unknown, init: unknown) => Promise<unknown>;
  guarded.request = async (method: unknown, url: unknown, init: unknown) => {
    const checked = checkedInit(init, transport, baseUrl);
    await checkInitHeaders(checked);
    return request(method, url, checked);
  };
  return guarded as unknown as Client<paths>;
}
