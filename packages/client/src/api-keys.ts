import type { SecurityLevel } from "@xsiam-sdk/auth";
import type { Client } from "openapi-fetch";
import { XsiamApiError, XsiamValidationError } from "./errors.js";
import type { paths } from "./generated/openapi.js";
import { GeneratedApiKey } from "./generated-key.js";
import { described } from "./internal/describe.js";
import { DELETE, type Endpoint, GENERATE, LIST } from "./internal/endpoints.js";
import { apiError, type CallContext, MAY_HAVE_MINTED } from "./internal/envelope.js";
import { type ApiKeyInfo, type KeyPage, keyPageOf, matches } from "./internal/key-list.js";
import { ownCopy } from "./internal/own.js";
import { checkHeaders } from "./internal/request-options.js";
import { callOf } from "./internal/transport.js";
import {
  type ApiKeyFilter,
  type CheckedFilter,
  checkedFilter,
  deleteBody,
  type GenerateApiKeyInput,
  generateBody,
  keyIdOf,
  listBody,
} from "./internal/validate.js";
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
  /**
   * Lists the keys that match every part of `filter` (all keys without one), expired ones
   * included. Pages are fetched until every matching key is in: a list is complete, or the call
   * fails. Every key returned matches the filter, even if the service ignored part of it.
   *
   * @example
   * // Viewer keys that expire within a week
   * const keys = await xsiam.apiKeys.list({ roles: ["Viewer"], expiresBefore: Date.now() + 7 * 86_400_000 });
   * for (const { id, expiresAt, comment } of keys) console.log(id, expiresAt?.toISOString(), comment);
   */
  list(filter?: ApiKeyFilter, options?: CallOptions): Promise<ApiKeyInfo[]>;
  /**
   * What the service says about one key, or `undefined` if there is no key with that id.
   *
   * @example
   * const key = await xsiam.apiKeys.get(2841);
   * if (key?.expiresAt && key.expiresAt.getTime() < Date.now() + 86_400_000) console.warn("expires within a day");
   */
  get(id: number, options?: CallOptions): Promise<ApiKeyInfo | undefined>;
}

const CALL_OPTIONS = [
  "signal",
  "headers",
  "timeoutMs",
  "maxRetries",
  "retryBaseDelayMs",
  "maxRetryDelayMs",
] as const;
// A key is sent as a header value by standard-key users: visible ASCII, and no reply needs more.
const KEY_FORMAT = /^[\x21-\x7e]{1,1024}$/;

function callOptions(options: CallOptions | undefined): {
  signal?: AbortSignal;
  headers?: Record<string, string>;
} {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) {
    throw new XsiamValidationError("options", `must be an object (got ${described(options)})`);
  }
  const { signal, headers, timeoutMs, maxRetries, retryBaseDelayMs, maxRetryDelayMs } = ownCopy(
    options,
    CALL_OPTIONS,
  );
  const retry = { timeoutMs, maxRetries, retryBaseDelayMs, maxRetryDelayMs };
  const overridden = Object.values(retry).some((value) => value !== undefined);
  // Checked here so that an error names `options.…`; the transport merges them with the client's.
  if (overridden) retryPolicy(DEFAULT_RETRY_POLICY, retry, "options.");
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new XsiamValidationError("options.signal", `must be an AbortSignal (got ${described(signal)})`);
  }
  if (headers !== undefined && (typeof headers !== "object" || headers === null || Array.isArray(headers))) {
    throw new XsiamValidationError("options.headers", `must be an object (got ${described(headers)})`);
  }
  checkHeaders(headers, "options.headers");
  return { ...(signal && { signal }), ...(headers && { headers }), ...(overridden && { xsiam: retry }) };
}

/** An error for a success status whose body is not the documented reply. Never keeps the body. */
function malformed({ operation }: CallContext, response: Response, problem: string): XsiamApiError {
  return new XsiamApiError({
    status: response.status,
    operation,
    attempts: callOf(response)?.attempts,
    problem: `not the documented reply: ${problem}`,
    hint:
      operation === "generateApiKey" ? MAY_HAVE_MINTED : "Check fqdn or baseUrl: a proxy may have answered",
  });
}

/**
 * The `reply` of a call's result, or the `XsiamApiError` it amounts to. The body of a success is
 * never kept in an error: for generate it may hold a key.
 */
function replyOf(
  context: CallContext,
  { data, error, response }: { data?: string; error?: unknown; response: Response },
): Record<string, unknown> {
  if (!response.ok) throw apiError(context, response, error);
  let parsed: unknown;
  try {
    parsed = data ? JSON.parse(data) : undefined;
  } catch {
    parsed = undefined;
  }
  const reply = (parsed as { reply?: unknown } | undefined)?.reply;
  if (typeof reply === "object" && reply !== null && !Array.isArray(reply))
    return reply as Record<string, unknown>;
  throw malformed(context, response, data ? "the body is not the expected JSON" : "the body is empty");
}

const isPositiveId = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value > 0;

// Without a page that says how big pages are, ask for this many keys at a time.
const DEFAULT_PAGE_SIZE = 100;
// The most pages one list fetches: 10,000 keys at the service's usual 100 a page.
const MAX_PAGES = 100;

/** The convenience methods, over the openapi-fetch client `raw`. */
export function createApiKeysApi(raw: Client<paths>, securityLevel: SecurityLevel): ApiKeysApi {
  const contextOf = ({ operation }: Endpoint): CallContext => ({ operation, securityLevel });
  const generateContext = contextOf(GENERATE);
  const deleteContext = contextOf(DELETE);
  const listContext = contextOf(LIST);

  /** One page of a list: its keys and counts, and the response for errors. */
  const listPage = async (
    filter: CheckedFilter,
    page: { from: number; to: number } | undefined,
    call: ReturnType<typeof callOptions>,
  ): Promise<KeyPage & { response: Response }> => {
    const result = await raw.POST("/public_api/v1/api_keys/get_api_keys", {
      body: listBody(filter, page),
      parseAs: "text",
      ...call,
    });
    const keys = keyPageOf(replyOf(listContext, result));
    if (typeof keys === "string") throw malformed(listContext, result.response, keys);
    return { ...keys, response: result.response };
  };

  const api: ApiKeysApi = {
    async generate(input, options) {
      const body = generateBody(input);
      const result = await raw.POST("/public_api/v1/api_keys/generate", {
        body,
        parseAs: "text",
        ...callOptions(options),
      });
      const { id, key } = replyOf(generateContext, result);
      if (!isPositiveId(id))
        throw malformed(generateContext, result.response, "the id is not a positive integer");
      if (typeof key !== "string" || !KEY_FORMAT.test(key)) {
        throw malformed(
          generateContext,
          result.response,
          "the key is not 1 to 1,024 visible ASCII characters",
        );
      }
      return new GeneratedApiKey(id, key);
    },

    async delete(ids, options) {
      const body = deleteBody(ids);
      const result = await raw.POST("/public_api/v1/api_keys/delete", {
        body,
        parseAs: "text",
        ...callOptions(options),
      });
      const { update_count: updateCount } = replyOf(deleteContext, result);
      const sent = body.request_data.filters[0]?.value.length ?? 0;
      if (typeof updateCount !== "number" || !Number.isSafeInteger(updateCount) || updateCount < 0) {
        throw malformed(deleteContext, result.response, "update_count is not a count");
      }
      if (updateCount > sent) {
        throw malformed(
          deleteContext,
          result.response,
          `update_count ${updateCount} is more than the ${sent} id(s) sent`,
        );
      }
      return { updateCount };
    },

    async list(filter, options) {
      const checked = checkedFilter(filter);
      const call = callOptions(options);
      const found = new Map<number, ApiKeyInfo>();
      let page = await listPage(checked, undefined, call);
      for (const key of page.keys) found.set(key.id, key);
      const pageSize = page.keys.length || DEFAULT_PAGE_SIZE;
      // Offsets count keys already listed; a page that adds none ends the loop, so a service that
      // ignores search_from (and sends the first page again) cannot keep it going.
      for (let pages = 1; found.size < page.filterCount && pages < MAX_PAGES; pages++) {
        const from = found.size;
        page = await listPage(checked, { from, to: from + pageSize }, call);
        for (const key of page.keys) found.set(key.id, key);
        if (found.size === from) break;
      }
      if (found.size < page.filterCount) {
        throw malformed(
          listContext,
          page.response,
          `${page.filterCount} keys match, but the pages (search_from/search_to) brought only ${found.size}`,
        );
      }
      return [...found.values()].filter((key) => matches(key, checked));
    },

    async get(id, options) {
      const keys = await api.list({ ids: [keyIdOf("id", id)] }, options);
      return keys.find((key) => key.id === id);
    },
  };
  return api;
}
