import type { SecurityLevel } from "@xsiam-sdk/auth";
import type { Client } from "openapi-fetch";
import {
  type GenerateOutcome,
  XsiamAbortError,
  XsiamApiError,
  XsiamError,
  XsiamGenerateError,
  XsiamValidationError,
} from "./errors.js";
import type { paths } from "./generated/openapi.js";
import { GeneratedApiKey } from "./generated-key.js";
import { described } from "./internal/describe.js";
import { DELETE, type Endpoint, GENERATE, LIST } from "./internal/endpoints.js";
import { apiError, type CallContext, MAY_HAVE_MINTED } from "./internal/envelope.js";
import { failureSummary, findMinted, mayHaveMinted } from "./internal/exactly-once.js";
import { type ApiKeyInfo, type KeyPage, keyPageOf, matches } from "./internal/key-list.js";
import { newMarker, withMarker } from "./internal/marker.js";
import { ownCopy } from "./internal/own.js";
import { checkHeaders } from "./internal/request-options.js";
import { retryDelay } from "./internal/retry.js";
import { sleep } from "./internal/sleep.js";
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
import { DEFAULT_RETRY_POLICY, type RetryOptions, type RetryPolicy, retryPolicy } from "./reliability.js";
import type { RotateOptions, RotateResult } from "./rotation.js";

/** Options every method accepts for one call; the retry options override the client's. */
export interface CallOptions extends RetryOptions {
  /** Aborts the call; the method then rejects with `XsiamAbortError`. */
  signal?: AbortSignal | undefined;
  /** Extra headers, e.g. `x-child-tenant-id` for one call. Auth headers cannot be overridden. */
  headers?: Record<string, string> | undefined;
}

/** Options of one `generate` call. */
export interface GenerateOptions extends CallOptions {
  /**
   * After a failure where the service may have acted (a timeout, a connection lost after sending,
   * a 5xx), find out whether the call minted a key (by listing keys with the call's marker), delete
   * that key, and try again if retries are left; otherwise throw `XsiamGenerateError` saying what
   * became of it. Overrides the client's `reconcileGenerate`.
   */
  reconcile?: boolean | undefined;
  /**
   * Called before each generate request is sent, with the marker that request puts in the key's
   * comment (`[xsiam-sdk:…]`). Record it where it outlives the process (a log line): if the process
   * dies mid-call, the marker names the key to look for. Not called with `reconcile: false`, whose
   * requests carry no marker.
   */
  onSend?: ((request: { readonly marker: string; readonly attempt: number }) => void) | undefined;
}

/** The API key endpoints, with checked inputs and typed errors. */
export interface ApiKeysApi {
  /**
   * Creates an API key, exactly once for the caller: it resolves to the key, or fails having left
   * no key behind, or fails saying exactly what to look for. The service's generate is not
   * idempotent, so after a failure where it may have acted (a timeout, a connection lost after
   * sending, a 5xx), the client lists keys to find the one the call minted (by a marker it put in
   * the comment, `[xsiam-sdk:…]`), deletes it, and tries again while retries are left; otherwise it
   * throws `XsiamGenerateError` with the outcome. `reconcile: false` turns this off.
   *
   * @example
   * const { id, key } = await xsiam.apiKeys.generate({ roles: ["Viewer"], securityLevel: "advanced" });
   */
  generate(input: GenerateApiKeyInput, options?: GenerateOptions): Promise<GeneratedApiKey>;
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
  /**
   * Replaces key `id` so that the caller can never be left without a working key: reads the old
   * key (roles, level, comment, expiry), generates the new one (exactly once), hands it over with
   * your `handOver`, checks that it authenticates (with this client's base URL, child tenant and
   * rate limiter), then deletes the old key unless `keepOld`. A step that fails, or a stop by
   * `signal`, undoes what was done in reverse order, and the `XsiamRotateError` says exactly which
   * keys exist, which one you hold, and what to delete. A key that never expires needs `expiresAt`.
   *
   * @example
   * await xsiam.apiKeys.rotate(5012, {
   *   handOver: async (key) => {
   *     const previous = await vault.read("xsiam/export");
   *     await vault.write("xsiam/export", { id: key.id, key: key.key });
   *     return { undo: () => vault.write("xsiam/export", previous) };
   *   },
   * });
   */
  rotate(id: number, options: RotateOptions): Promise<RotateResult>;
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
  xsiam?: RetryOptions;
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

// The service's default lifetime for a key, sent explicitly so that a failed call can find its key.
const DEFAULT_LIFETIME_MS = 7 * 86_400_000;
// Without a page that says how big pages are, ask for this many keys at a time.
const DEFAULT_PAGE_SIZE = 100;
// The most pages one list fetches: 10,000 keys at the service's usual 100 a page.
const MAX_PAGES = 100;

/** What the methods need from the client beside `raw`. */
export interface ApiKeysSettings {
  /** The level requests are signed at, for the hint of a 401. */
  securityLevel: SecurityLevel;
  /** The client's retry policy: how many generate requests one call may send. */
  policy: RetryPolicy;
  /** Whether a failed generate finds out what became of its key (the client's `reconcileGenerate`). */
  reconcile: boolean;
  /** The id of the key this client signs with. */
  ownKeyId: number;
  /** The methods of a client like this one (same connection, rate limiter, options) that signs with another key. */
  clientFor(key: { apiKey: string; apiKeyId: number; securityLevel: SecurityLevel }): ApiKeysApi;
}

/** The convenience methods, over the openapi-fetch client `raw`. */
export function createApiKeysApi(raw: Client<paths>, settings: ApiKeysSettings): ApiKeysApi {
  const { securityLevel } = settings;
  const contextOf = ({ operation }: Endpoint): CallContext => ({ operation, securityLevel });
  const generateContext = contextOf(GENERATE);
  const deleteContext = contextOf(DELETE);
  const listContext = contextOf(LIST);

  /** One generate request, and its reply checked. */
  const generateOnce = async (
    body: ReturnType<typeof generateBody>,
    call: ReturnType<typeof callOptions>,
  ): Promise<GeneratedApiKey> => {
    const result = await raw.POST("/public_api/v1/api_keys/generate", { body, parseAs: "text", ...call });
    const { id, key } = replyOf(generateContext, result);
    if (!isPositiveId(id))
      throw malformed(generateContext, result.response, "the id is not a positive integer");
    if (typeof key !== "string" || !KEY_FORMAT.test(key)) {
      throw malformed(generateContext, result.response, "the key is not 1 to 1,024 visible ASCII characters");
    }
    return new GeneratedApiKey(id, key);
  };

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
      const call = callOptions(options);
      const own = options === undefined ? {} : ownCopy(options, ["reconcile", "onSend"]);
      if (own.reconcile !== undefined && typeof own.reconcile !== "boolean") {
        throw new XsiamValidationError(
          "options.reconcile",
          `must be a boolean (got ${described(own.reconcile)})`,
        );
      }
      const { onSend } = own;
      if (onSend !== undefined && typeof onSend !== "function") {
        throw new XsiamValidationError("options.onSend", `must be a function (got ${described(onSend)})`);
      }
      if (!(own.reconcile ?? settings.reconcile)) return generateOnce(body, call);

      const policy = retryPolicy(settings.policy, call.xsiam);
      const { roles, expiration = Date.now() + DEFAULT_LIFETIME_MS, comment } = body.request_data;
      const finder = {
        list: (filter: ApiKeyFilter) => api.list(filter, options),
        delete: (id: number) => api.delete([id], options),
      };
      for (let tries = 1; ; tries++) {
        const marker = newMarker();
        const started = Date.now();
        const sent = {
          request_data: { ...body.request_data, expiration, comment: withMarker(comment, marker) },
        };
        onSend?.({ marker, attempt: tries });
        try {
          return await generateOnce(sent, call);
        } catch (error) {
          if (!(error instanceof XsiamError) || !mayHaveMinted(error)) throw error;
          const outcome: GenerateOutcome =
            error instanceof XsiamAbortError
              ? { kind: "unknown", reason: "the call was aborted", candidates: [] }
              : await findMinted({ roles, expiration, marker, started }, finder);
          const failed = () =>
            new XsiamGenerateError({ cause: error, failure: failureSummary(error), outcome, marker, tries });
          const safeToRetry = outcome.kind === "none" || outcome.kind === "deleted";
          if (!safeToRetry || tries > policy.maxRetries) throw failed();
          await sleep(retryDelay(null, tries, policy, Math.random) ?? 0, call.signal).catch(() => {
            throw failed();
          });
        }
      }
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

    async rotate(id, options) {
      // Loaded on first use: most programs never rotate, and it is a call that takes seconds anyway.
      const { rotateKey } = await import("./internal/rotate.js");
      return rotateKey(api, settings, id, options);
    },
  };
  return api;
}
