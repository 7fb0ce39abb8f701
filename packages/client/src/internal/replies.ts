// The replies of the three operations, checked: the documented shape, or an error. The error
// itself is built by the failure module, loaded when a reply is not what it should be.

import { GeneratedApiKey } from "../generated-key.js";
import type { CallContext } from "./failures.js";
import { loadFailures } from "./load-failures.js";

/** What openapi-fetch resolves to for a call made with `parseAs: "text"`. */
export interface CallResult {
  readonly data?: string | undefined;
  readonly error?: unknown;
  readonly response: Response;
}

/** The error a reply amounts to, built where errors are built. */
async function failed(context: CallContext, response: Response, problem: string | undefined, body?: unknown) {
  const failures = await loadFailures();
  return problem === undefined
    ? failures.errorFromResponse(context, response, body)
    : failures.malformedReply(context, response, problem);
}

/**
 * The `reply` of a call's result, or the error it amounts to: an `XsiamApiError` for an error
 * status, or for a success whose body is not a JSON object with a `reply` object (never keeping
 * that body: for generate it may hold a key).
 */
export async function replyOf(context: CallContext, result: CallResult): Promise<Record<string, unknown>> {
  const { data, error, response } = result;
  if (!response.ok) throw await failed(context, response, undefined, error);
  let parsed: unknown;
  try {
    parsed = data ? JSON.parse(data) : undefined;
  } catch {
    parsed = undefined;
  }
  const reply = (parsed as { reply?: unknown } | undefined)?.reply;
  if (typeof reply === "object" && reply !== null && !Array.isArray(reply)) {
    return reply as Record<string, unknown>;
  }
  throw await failed(context, response, data ? "the body is not the expected JSON" : "the body is empty");
}

const isPositiveId = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value > 0;
// A key is sent as a header value by standard-key users: visible ASCII, and no reply needs more.
const KEY_FORMAT = /^[\x21-\x7e]{1,1024}$/;

/** The new key a generate reply holds. */
export async function generatedKey(context: CallContext, result: CallResult): Promise<GeneratedApiKey> {
  const { id, key } = await replyOf(context, result);
  if (!isPositiveId(id)) throw await failed(context, result.response, "the id is not a positive integer");
  if (typeof key !== "string" || !KEY_FORMAT.test(key)) {
    throw await failed(context, result.response, "the key is not 1 to 1,024 visible ASCII characters");
  }
  return new GeneratedApiKey(id, key);
}

/** The count a delete reply holds, checked against the `sent` ids. */
export async function deletedCount(context: CallContext, result: CallResult, sent: number): Promise<number> {
  const { update_count: count } = await replyOf(context, result);
  if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) {
    throw await failed(context, result.response, "update_count is not a count");
  }
  if (count > sent) {
    throw await failed(context, result.response, `update_count ${count} is more than the ${sent} id(s) sent`);
  }
  return count;
}

/** An error for a reply that is not the documented one: for callers that found the problem themselves. */
export async function malformed(context: CallContext, response: Response, problem: string): Promise<Error> {
  return failed(context, response, problem);
}
