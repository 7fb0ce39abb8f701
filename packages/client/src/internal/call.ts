import { described, ownCopy } from "@xsiam-sdk/auth";
import type { CallOptions } from "../api-keys.js";
import { XsiamValidationError } from "../errors.js";
import { type RetryOptions, type RetryPolicy, retryPolicy } from "../reliability.js";

/** The options every method takes for one call. */
export const CALL_OPTIONS = [
  "signal",
  "headers",
  "timeoutMs",
  "maxRetries",
  "retryBaseDelayMs",
  "maxRetryDelayMs",
] as const;

/** One call's options, checked once: what openapi-fetch is given, and the retry policy in force. */
export interface ResolvedCall {
  /** The request options the call sends with: its signal and headers. */
  readonly init: { signal?: AbortSignal; headers?: Record<string, string> };
  /** The client's policy with the call's overrides. */
  readonly policy: RetryPolicy;
}

/**
 * Checks one call's options (own properties, each read once) and merges its retry options into
 * the client's policy: the one place a call's options are read. Throws `XsiamValidationError`
 * naming `options.…` before anything is sent.
 */
export function resolveCall(options: CallOptions | undefined, clientPolicy: RetryPolicy): ResolvedCall {
  if (options === undefined) return { init: {}, policy: clientPolicy };
  if (typeof options !== "object" || options === null) {
    throw new XsiamValidationError("options", `must be an object (got ${described(options)})`);
  }
  const { signal, headers, ...retry } = ownCopy(options, CALL_OPTIONS) as CallOptions & RetryOptions;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new XsiamValidationError("options.signal", `must be an AbortSignal (got ${described(signal)})`);
  }
  if (headers !== undefined && (typeof headers !== "object" || headers === null || Array.isArray(headers))) {
    throw new XsiamValidationError("options.headers", `must be an object (got ${described(headers)})`);
  }
  const overridden = Object.values(retry).some((value) => value !== undefined);
  return {
    init: { ...(signal && { signal }), ...(headers && { headers }) },
    policy: overridden ? retryPolicy(clientPolicy, retry, "options.") : clientPolicy,
  };
}

/** `resolveCall`, with the headers the call adds checked (the checks load only then). */
export async function checkedCall(
  options: CallOptions | undefined,
  clientPolicy: RetryPolicy,
): Promise<ResolvedCall> {
  const call = resolveCall(options, clientPolicy);
  if (call.init.headers !== undefined) {
    const { checkHeaders } = await import("./headers.js");
    checkHeaders(call.init.headers, "options.headers");
  }
  return call;
}
