// The one error factory: every error a call ends in (an error status, a reply that is not the
// documented one, a transport failure) is built here, with its wording and hints. It is loaded on
// first failure (a dynamic import from paths that are already async), so that a program whose
// calls succeed never loads it.
// Reaches the whole package, as the entry does: a bundler that splits at dynamic imports (esbuild)
// then puts all the code that loads up front in one chunk, instead of one per set of lazy modules
// that shares it, which compresses worse and loads as several files.
import "../index.js";
import type { SecurityLevel } from "@xsiam-sdk/auth";
import {
  type Attempts,
  type OperationId,
  XsiamAbortError,
  XsiamApiError,
  type XsiamError,
  XsiamNetworkError,
  XsiamTimeoutError,
} from "../errors.js";
import { MAX_RESPONSE_BYTES } from "./body.js";
import type { Endpoint } from "./endpoints.js";
import type { Failure } from "./retry.js";
import { capped } from "./text.js";
import { callOf } from "./transport.js";

export { redactedBody, redirectTarget } from "./redact.js";

/** What the client knows of the call, beyond the response, that a hint can use. */
export interface CallContext {
  readonly operation: OperationId;
  /** The level the request was signed at: a level that does not match the key's is a 401. */
  readonly securityLevel: SecurityLevel;
}

// --- Replies with an error status -------------------------------------------------------------

interface ErrorFields {
  errCode?: number | string | undefined;
  errMsg?: string | undefined;
  errExtra?: unknown;
  body?: string | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const codeOf = (value: unknown) =>
  typeof value === "number" || typeof value === "string" ? value : undefined;
const messageOf = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * Reads the error out of a response body as openapi-fetch hands it over: parsed JSON when the
 * body was JSON, the text otherwise, `undefined` when it was empty. Understands the two envelopes
 * the service uses: `{reply: {err_code, err_msg, err_extra}}` and
 * `{data: {err_msg, metadata: {err_code, err_extra}}}`; anything else is kept as `body`.
 */
function errorFields(body: unknown): ErrorFields {
  if (isObject(body) && isObject(body.reply) && ("err_msg" in body.reply || "err_code" in body.reply)) {
    const { reply } = body;
    return { errCode: codeOf(reply.err_code), errMsg: messageOf(reply.err_msg), errExtra: reply.err_extra };
  }
  if (isObject(body) && isObject(body.data) && ("err_msg" in body.data || "metadata" in body.data)) {
    const { data } = body;
    const metadata = isObject(data.metadata) ? data.metadata : {};
    return {
      errCode: codeOf(metadata.err_code),
      errMsg: messageOf(data.err_msg),
      errExtra: metadata.err_extra,
    };
  }
  if (body === undefined || body === "") return {};
  return { body: capped(typeof body === "string" ? body : JSON.stringify(body)) };
}

const API_MINTED_KEY = /cannot generate new api keys/i;
/** Said of a generate that may have reached the service. */
export const MAY_HAVE_MINTED = "A key may have been created: check before generating again";

const SERVER_ERROR_HINTS: Readonly<Record<OperationId, string>> = {
  generateApiKey: MAY_HAVE_MINTED,
  deleteApiKeys: "Deleting is safe to retry",
  getApiKeys: "Listing is safe to retry",
};

// The Date header has one-second resolution and travels: a smaller difference says nothing.
const NOTABLE_SKEW_MS = 60_000;

/** The service's time from a response's `Date` header, if it has a valid one. */
function serverDateOf(response: Response): Date | undefined {
  const header = response.headers.get("date");
  const date = header === null ? undefined : new Date(header);
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/**
 * How far this machine's clock is from the service's (its `Date` header), in words, when it is a
 * minute or more: what to tell a user whose advanced key gets a 401. `undefined` otherwise.
 *
 * @example
 * clockSkew(error.serverDate); // "This machine's clock is 7 minutes ahead of the service's (its Date header); …"
 */
export function clockSkew(serverDate: Date | undefined, now: number = Date.now()): string | undefined {
  if (!serverDate) return undefined;
  const skew = now - serverDate.getTime();
  if (Math.abs(skew) < NOTABLE_SKEW_MS) return undefined;
  const minutes = Math.round(Math.abs(skew) / 60_000);
  return `This machine's clock is ${minutes} minute${minutes === 1 ? "" : "s"} ${skew > 0 ? "ahead of" : "behind"} the service's (its Date header); advanced keys are refused beyond about five minutes`;
}

/** What to check for a failed call, for the failures that have a usual cause. */
function hintFor(
  response: Response,
  { operation, securityLevel }: CallContext,
  errMsg: string | undefined,
): string | undefined {
  const { status } = response;
  if (status >= 300 && status < 400) {
    const target = callOf(response)?.redirectedTo ?? "an unknown location";
    return `The API never redirects, and this answer pointed to ${target}; nothing was sent there. Check fqdn or baseUrl`;
  }
  if (status === 401) {
    const skew = clockSkew(serverDateOf(response));
    if (skew) return skew;
    return `Signed as ${securityLevel === "advanced" ? "an advanced" : "a standard"} key: check that the key has that level, apiKeyId, the key's expiry and this machine's clock`;
  }
  if (status === 402) return "The tenant lacks a license for the public API";
  if (status === 403) {
    return API_MINTED_KEY.test(errMsg ?? "")
      ? "A key created by the API cannot create keys: use one created in the console"
      : `The key's role lacks this permission${operation === "generateApiKey" ? ", or the key was created by the API" : ""}`;
  }
  if (status === 404) return "Wrong host or path: check fqdn or baseUrl";
  if (status === 429) return "Rate limited (10 requests per second per tenant): retry later";
  if (status >= 500) return SERVER_ERROR_HINTS[operation];
  return undefined;
}

/** An `XsiamApiError` for an error response, from its status and the body openapi-fetch parsed. */
export function errorFromResponse(context: CallContext, response: Response, body: unknown): XsiamApiError {
  const fields = errorFields(body);
  return new XsiamApiError({
    status: response.status,
    operation: context.operation,
    ...fields,
    hint: hintFor(response, context, fields.errMsg),
    attempts: callOf(response)?.attempts,
    serverDate: serverDateOf(response),
  });
}

/** An error for a success status whose body is not the documented reply. Never keeps the body. */
export function malformedReply(
  { operation }: CallContext,
  response: Response,
  problem: string,
): XsiamApiError {
  return new XsiamApiError({
    status: response.status,
    operation,
    attempts: callOf(response)?.attempts,
    problem: `not the documented reply: ${problem}`,
    hint:
      operation === "generateApiKey" ? MAY_HAVE_MINTED : "Check fqdn or baseUrl: a proxy may have answered",
  });
}

// --- Attempts that ended without a response ---------------------------------------------------

// Failures that happen before any byte of the request leaves: safe to retry even for generate.
const NOTHING_SENT = new Set([
  "ECONNREFUSED",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
// TLS handshake failures: the request is written only after the handshake, so nothing was sent.
const TLS_FAILURE =
  /^(?:ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;
// What to do about a failure that would be the same on every try, by its reason.
const LASTING_HINTS: Readonly<Record<string, string>> = {
  ERR_SSL_WRONG_VERSION_NUMBER: "An http server? Use baseUrl with http:// (loopback only)",
  tls: "Check the server's certificate, or the proxy in between",
  "bad port":
    "fetch refuses to connect to this port (a port of another protocol, like 6000 for X11): use the tenant's own port",
  dns: "The host name does not exist: check fqdn or baseUrl",
};
const MAY_HAVE_ACTED = "; not retried, as the service may have acted: check before retrying";

/**
 * What went wrong, from undici's `cause` chain: the first error code (ECONNREFUSED, ENOTFOUND…)
 * if there is one, else the innermost message ("fetch failed" alone says nothing).
 */
export function reasonOf(error: unknown): { code?: string; reason: string } {
  let reason = "unknown error";
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return { code, reason: code };
    reason = current.message;
    current = current.cause;
  }
  return { reason };
}

/** How a fetch that threw failed, as far as retrying is concerned: before anything was sent, or not. */
export function classified(error: unknown): Extract<Failure, "tls" | "unreachable" | "not-sent" | "network"> {
  const { code, reason } = reasonOf(error);
  if (code !== undefined && TLS_FAILURE.test(code)) return "tls";
  // A name the DNS says does not exist (EAI_AGAIN is the temporary failure), or a port that fetch
  // refuses to connect to (6000, 6665–6669, …): the same on every try.
  if (code === "ENOTFOUND" || reason === "bad port") return "unreachable";
  return code !== undefined && NOTHING_SENT.has(code) ? "not-sent" : "network";
}

/** What a transport failure is built from. */
export interface FailedAttempt {
  readonly failure: Failure;
  readonly error: unknown;
  readonly status?: number | undefined;
}

/** The error for an attempt that ended without a response to hand over, and was not retried. */
export function transportFailure(
  { failure, error, status }: FailedAttempt,
  context: {
    label: string;
    host: string;
    endpoint: Endpoint | undefined;
    attempts: Attempts;
    timeoutMs: number;
    signal: AbortSignal;
  },
): XsiamError {
  const { label, host, endpoint, attempts } = context;
  const note = endpoint?.idempotent === false ? MAY_HAVE_ACTED : "";
  switch (failure) {
    case "aborted":
      return new XsiamAbortError(`${label} was aborted`, {
        cause: context.signal.reason,
        ...attempts,
        requestSent: true,
      });
    case "too-large": {
      const problem = `the body exceeds ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB`;
      if (!endpoint) {
        return new XsiamNetworkError(`${label}: ${problem}`, {
          cause: undefined,
          requestSent: true,
          ...attempts,
        });
      }
      return new XsiamApiError({ status: status ?? 0, operation: endpoint.operation, problem, attempts });
    }
    case "timeout":
      return new XsiamTimeoutError(`${label} timed out after ${context.timeoutMs} ms${note}`, {
        cause: error,
        timeoutMs: context.timeoutMs,
        requestSent: true,
        ...attempts,
      });
    case "tls":
    case "unreachable": {
      // Nothing was sent, and trying again would fail the same way.
      const { reason } = reasonOf(error);
      const what =
        failure === "tls"
          ? `: the TLS handshake failed (${reason}), so nothing was sent`
          : ` (${reason}), so nothing was sent; not retried, as it would fail again`;
      return new XsiamNetworkError(`${label}: could not reach ${host}${what}`, {
        cause: error,
        hint: LASTING_HINTS[reason] ?? (failure === "tls" ? LASTING_HINTS.tls : LASTING_HINTS.dns),
        ...attempts,
      });
    }
    case "not-sent":
      return new XsiamNetworkError(`${label}: could not reach ${host} (${reasonOf(error).reason})`, {
        cause: error,
        ...attempts,
      });
    case "network":
      return new XsiamNetworkError(
        `${label}: the connection to ${host} failed (${reasonOf(error).reason})${note}`,
        { cause: error, requestSent: true, ...attempts },
      );
  }
}
