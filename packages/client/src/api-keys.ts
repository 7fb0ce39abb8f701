import type { Client } from "openapi-fetch";
import { type OperationId, XsiamApiError, XsiamValidationError } from "./errors.js";
import type { paths } from "./generated/openapi.js";
import { GeneratedApiKey } from "./generated-key.js";
import { described } from "./internal/describe.js";
import { apiError, MAY_HAVE_MINTED } from "./internal/envelope.js";
import { attemptsOf } from "./internal/transport.js";
import { deleteBody, type GenerateApiKeyInput, generateBody } from "./internal/validate.js";
import { DEFAULT_RETRY_POLICY, type RetryOptions, retryPolicy } from "./reliability.js";

/** Options every method accepts for one call; the retry options override the client's. */
export interface CallOptions extends RetryOptions {
  /** Aborts the call; the method then rejects with `XsiamAbortError`. */
  signal?: AbortSignal | undefined;
  /** Extra headers, e.g. `x-child-tenant-id` for one call. Auth headers cannot be overridden. */
  headers?: Record<string, string> | undefined;
}

/** The API key endpoints, with checked inputs and typed errors. */
export interface ApiKeysApi {
  /**
   * Creates an API key. Not idempotent: if the call fails after the request may have reached the
   * service (a timeout, a 5xx), a key may exist anyway.
   *
   * @example
   * const { id, key } = await xsiam.apiKeys.generate({ roles: ["Viewer"], securityLevel: "advanced" });
   */
  generate(input: GenerateApiKeyInput, options?: CallOptions): Promise<GeneratedApiKey>;
  /**
   * Deletes API keys by id and says how many were deleted (unknown ids are not an error).
   *
   * @example
   * const { updateCount } = await xsiam.apiKeys.delete([121, 134]);
   */
  delete(ids: readonly number[], options?: CallOptions): Promise<{ updateCount: number }>;
}

const GENERATE = "/public_api/v1/api_keys/generate";
const DELETE = "/public_api/v1/api_keys/delete";

function callOptions(options: CallOptions | undefined): {
  signal?: AbortSignal;
  headers?: Record<string, string>;
} {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) {
    throw new XsiamValidationError("options", `must be an object (got ${described(options)})`);
  }
  const { signal, headers, timeoutMs, maxRetries, retryBaseDelayMs, maxRetryDelayMs } = options;
  // Checked here so that an error names `options.…`; the transport merges them with the client's.
  const retry = { timeoutMs, maxRetries, retryBaseDelayMs, maxRetryDelayMs };
  retryPolicy(DEFAULT_RETRY_POLICY, retry, "options.");
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new XsiamValidationError("options.signal", `must be an AbortSignal (got ${described(signal)})`);
  }
  if (headers !== undefined && (typeof headers !== "object" || headers === null || Array.isArray(headers))) {
    throw new XsiamValidationError("options.headers", `must be an object (got ${described(headers)})`);
  }
  const overridden = Object.values(retry).some((value) => value !== undefined);
  return { ...(signal && { signal }), ...(headers && { headers }), ...(overridden && { xsiam: retry }) };
}

/** The parsed reply of a successful call, or an `XsiamApiError` that never includes the body. */
function replyOf(
  operation: OperationId,
  response: Response,
  text: string | undefined,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const reply = (parsed as { reply?: unknown } | undefined)?.reply;
  if (typeof reply === "object" && reply !== null) return reply as Record<string, unknown>;
  // The body of a successful generate may hold a key, so it is never kept in the error.
  throw new XsiamApiError({
    status: response.status,
    operation,
    attempts: attemptsOf(response),
    problem: text ? "the body is not the expected JSON" : "the body is empty",
    hint:
      operation === "generateApiKey" ? MAY_HAVE_MINTED : "Check fqdn or baseUrl: a proxy may have answered",
  });
}

function unexpectedReply(operation: OperationId, response: Response, missing: string): XsiamApiError {
  return new XsiamApiError({
    status: response.status,
    operation,
    attempts: attemptsOf(response),
    problem: `the reply lacks a valid ${missing}`,
  });
}

/** The convenience methods, over the openapi-fetch client `raw`. */
export function createApiKeysApi(raw: Client<paths>): ApiKeysApi {
  return {
    async generate(input, options) {
      const body = generateBody(input);
      const { data, error, response } = await raw.POST(GENERATE, {
        body,
        parseAs: "text",
        ...callOptions(options),
      });
      if (!response.ok) throw apiError("generateApiKey", response, error);
      const reply = replyOf("generateApiKey", response, data);
      if (!Number.isSafeInteger(reply.id)) throw unexpectedReply("generateApiKey", response, "id");
      if (typeof reply.key !== "string" || reply.key === "")
        throw unexpectedReply("generateApiKey", response, "key");
      return new GeneratedApiKey(reply.id as number, reply.key);
    },

    async delete(ids, options) {
      const body = deleteBody(ids);
      const { data, error, response } = await raw.POST(DELETE, {
        body,
        parseAs: "text",
        ...callOptions(options),
      });
      if (!response.ok) throw apiError("deleteApiKeys", response, error);
      const { update_count: updateCount } = replyOf("deleteApiKeys", response, data);
      if (typeof updateCount !== "number" || !Number.isSafeInteger(updateCount) || updateCount < 0) {
        throw unexpectedReply("deleteApiKeys", response, "update_count");
      }
      return { updateCount };
    },
  };
}
