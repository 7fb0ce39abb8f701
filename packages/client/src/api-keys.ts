import type { SecurityLevel } from "@xsiam-sdk/auth";
import { described, ownCopy } from "@xsiam-sdk/auth";
import type { Client } from "openapi-fetch";
import type { Clock } from "./clock.js";
import { XsiamValidationError } from "./errors.js";
import type { paths } from "./generated/openapi.js";
import type { GeneratedApiKey } from "./generated-key.js";
import { checkedCall, type ResolvedCall } from "./internal/call.js";
import { DELETE, GENERATE, LIST } from "./internal/endpoints.js";
import type { CallContext } from "./internal/failures.js";
import { callHook } from "./internal/hooks.js";
import { type ApiKeyInfo, keyPageOf, matches } from "./internal/key-list.js";
import { newMarker } from "./internal/marker.js";
import { allPages } from "./internal/paging.js";
import type { SettleWatcher } from "./internal/reconcile.js";
import { deletedCount, generatedKey, malformed, replyOf } from "./internal/replies.js";
import { UNSET } from "./internal/request-options.js";
import type { CallFetch } from "./internal/transport.js";
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
import type { RetryOptions, RetryPolicy } from "./reliability.js";
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
   * requests carry no marker. If it throws, the call ends before this request is sent: on the first
   * try with that error; on a later one with the `XsiamGenerateError` of the tries before it (which
   * names any marker whose key may still appear), e.g. to stop after a signal.
   */
  onSend?: ((request: { readonly marker: string; readonly attempt: number }) => void) | undefined;
  /**
   * Called while the client waits for the key of an attempt whose request may still be running on
   * the service (after a timeout, a connection lost after sending, a 502/503/504): once when the
   * wait begins (`checks: 0`), after each check that did not end it, e.g. to show progress, and
   * with `closed: true` when the window closed with no key. No
   * retry is sent meanwhile; the wait ends when the key is found or `windowMs` after the request
   * was sent (the client's `settleMs`).
   */
  onWait?: ((progress: SettleProgress) => void) | undefined;
}

/** Where a generate's wait for a key that may still be minted stands: see `GenerateOptions.onWait`. */
export interface SettleProgress {
  /** The marker of the attempt waited for. */
  readonly marker: string;
  /** Since the attempt was sent. */
  readonly waitedMs: number;
  /** The whole window, from when the attempt was sent. */
  readonly windowMs: number;
  /** Lists made for it so far. */
  readonly checks: number;
  /**
   * The window closed with no key found: the client goes on (a retry, if any are left) and no
   * longer looks for this marker. If the service mints the key later all the same, nobody holds it:
   * say so, naming the marker, even when the call succeeds on a retry.
   */
  readonly closed: boolean;
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

// The service's default lifetime for a key, sent explicitly so that a failed call can find its key.
const DEFAULT_LIFETIME_MS = 7 * 86_400_000;

/** What the methods need from the client, resolved once. */
export interface ApiKeysSettings {
  /** The openapi-fetch client the methods call through, each call with the transport for its policy. */
  core: Client<paths>;
  /** The transport for a retry policy: the client's own is made once. */
  fetchFor(policy: RetryPolicy): CallFetch;
  /** The level requests are signed at, for the hint of a 401. */
  securityLevel: SecurityLevel;
  /** The client's retry policy. */
  policy: RetryPolicy;
  /** Whether a failed generate finds out what became of its key (the client's `reconcileGenerate`). */
  reconcile: boolean;
  /** How long a generate whose request may still be running on the service waits for its key (the client's `settleMs`). */
  settleMs: number;
  clock: Clock;
  random: () => number;
  /** The id of the key this client signs with. */
  ownKeyId: number;
  /** The methods of a client like this one (same connection, rate limiter, options) that signs with another key. */
  clientFor(key: { apiKey: string; apiKeyId: number; securityLevel: SecurityLevel }): ApiKeysApi;
}

/** The convenience methods, over the openapi-fetch client `settings.core`. */
export function createApiKeysApi(settings: ApiKeysSettings): ApiKeysApi {
  const { core, fetchFor, securityLevel, clock } = settings;
  const context = (operation: CallContext["operation"]): CallContext => ({ operation, securityLevel });
  const generateContext = context(GENERATE.operation);
  const deleteContext = context(DELETE.operation);
  const listContext = context(LIST.operation);
  /** The request options of one call: its body, and the transport and signal and headers it resolved to. */
  const init = <B>(body: B, call: ResolvedCall) =>
    ({ ...UNSET, body, parseAs: "text" as const, fetch: fetchFor(call.policy), ...call.init }) as {
      body: B;
      parseAs: "text";
    };

  // Holds the client's one poller for generates whose request may still mint, made on first need.
  const poller = new Map<string, SettleWatcher>();
  const api: ApiKeysApi = {
    async generate(input, options) {
      const body = generateBody(input, clock.now());
      const call = await checkedCall(options, settings.policy);
      const own = options === undefined ? {} : ownCopy(options, ["reconcile", "onSend", "onWait"]);
      const { reconcile = settings.reconcile, onSend, onWait } = own;
      if (typeof reconcile !== "boolean") {
        throw new XsiamValidationError(
          "options.reconcile",
          `must be a boolean (got ${described(reconcile)})`,
        );
      }
      for (const [name, hook] of [
        ["onSend", onSend],
        ["onWait", onWait],
      ]) {
        if (hook !== undefined && typeof hook !== "function") {
          throw new XsiamValidationError(`options.${name}`, `must be a function (got ${described(hook)})`);
        }
      }
      const send = async (requestData: typeof body.request_data) =>
        generatedKey(
          generateContext,
          await core.POST("/public_api/v1/api_keys/generate", init({ request_data: requestData }, call)),
        );
      if (!reconcile) return send(body.request_data);

      const { roles, expiration = clock.now() + DEFAULT_LIFETIME_MS, comment } = body.request_data;
      const withThe = (marker: string) => ({
        ...body.request_data,
        expiration,
        // The caller's comment as written, then one space and the call's marker (list splits it off).
        comment: comment ? `${comment} ${marker}` : marker,
      });
      const marker = newMarker();
      callHook(onSend, { marker, attempt: 1 });
      const started = clock.now();
      try {
        return await send(withThe(marker));
      } catch (error) {
        // When the reconciliation cannot load (offline), the failure is thrown as it is.
        const { afterFailure } = await import("./internal/reconcile.js").catch(() => {
          throw error;
        });
        return afterFailure(
          error,
          { marker, started },
          {
            send: (next) => send(withThe(next)),
            finder: {
              list: (filter) => api.list(filter, options),
              delete: (id) => api.delete([id], options),
            },
            roles,
            expiration,
            policy: call.policy,
            clock,
            random: settings.random,
            signal: call.init.signal,
            onSend,
            onWait,
            settleMs: settings.settleMs,
            api,
            headers: call.init.headers,
            poller,
          },
        );
      }
    },

    async delete(ids, options) {
      const body = deleteBody(ids);
      const call = await checkedCall(options, settings.policy);
      const result = await core.POST("/public_api/v1/api_keys/delete", init(body, call));
      const sent = body.request_data.filters[0]?.value.length ?? 0;
      return { updateCount: await deletedCount(deleteContext, result, sent) };
    },

    async list(filter, options) {
      const checked: CheckedFilter = checkedFilter(filter);
      const call = await checkedCall(options, settings.policy);
      const listed = await allPages(async (page) => {
        const result = await core.POST(
          "/public_api/v1/api_keys/get_api_keys",
          init(listBody(checked, page), call),
        );
        const keys = keyPageOf(await replyOf(listContext, result));
        if (typeof keys === "string") throw await malformed(listContext, result.response, keys);
        return { ...keys, response: result.response };
      });
      if ("problem" in listed) throw await malformed(listContext, listed.response, listed.problem);
      return listed.keys.filter((key) => matches(key, checked));
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
