import type { SecurityLevel } from "@xsiam-sdk/auth";
import { type OperationId, XsiamApiError } from "../errors.js";
import { capped } from "./text.js";
import { callOf } from "./transport.js";

interface ErrorFields {
  errCode?: number | string | undefined;
  errMsg?: string | undefined;
  errExtra?: unknown;
  body?: string | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function codeOf(value: unknown): number | string | undefined {
  return typeof value === "number" || typeof value === "string" ? value : undefined;
}

function messageOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

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

/** What the client knows of the call, beyond the response, that a hint can use. */
export interface CallContext {
  readonly operation: OperationId;
  /** The level the request was signed at: a level that does not match the key's is a 401. */
  readonly securityLevel: SecurityLevel;
}

// The Date header has one-second resolution and travels: a smaller difference says nothing.
const NOTABLE_SKEW_MS = 60_000;

/** The service's time from a response's `Date` header, if it has a valid one. */
function serverDateOf(response: Response): Date | undefined {
  const header = response.headers.get("date");
  const date = header === null ? undefined : new Date(header);
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** "This machine's clock is 7 minutes behind the service's", when it is off by a minute or more. */
function skewNote(serverDate: Date | undefined): string | undefined {
  if (!serverDate) return undefined;
  const skew = Date.now() - serverDate.getTime();
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
    const skew = skewNote(serverDateOf(response));
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
export function apiError(context: CallContext, response: Response, body: unknown): XsiamApiError {
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
