import { type AuthOptions, createAuthMiddleware, described, ownCopy, XsiamAuthError } from "@xsiam-sdk/auth";
import createClient, { type Client } from "openapi-fetch";
import { type ApiKeysApi, createApiKeysApi } from "./api-keys.js";
import type { Clock } from "./clock.js";
import { XsiamValidationError } from "./errors.js";
import type { paths } from "./generated/openapi.js";
import {
  baseUrlFromFqdn,
  type ConnectionNames,
  normaliseBaseUrl,
  OPTION_NAMES,
} from "./internal/base-url.js";
import type { ObserverSettings } from "./internal/observe.js";
import { clientOptions, guardedClient } from "./internal/request-options.js";
import type { FetchLike } from "./internal/send.js";
import { type CallFetch, createTransport } from "./internal/transport.js";
import { clockOf, createRateLimiter, type RateLimiter } from "./rate-limiter.js";
import {
  checkDelay,
  DEFAULT_RETRY_POLICY,
  type RequestEvent,
  type ResponseEvent,
  type RetryOptions,
  type RetryPolicy,
  retryPolicy,
  type XsiamLogger,
} from "./reliability.js";

/** Where the tenant's API is: its host name, or a full base URL. Give exactly one. */
export type XsiamConnection =
  | {
      /** The tenant's host name, e.g. `mytenant.xdr.us.paloaltonetworks.com` (`api-` is added). */
      fqdn: string;
      baseUrl?: never;
    }
  | {
      /** The API's base URL, e.g. `https://api-mytenant.xdr.us.paloaltonetworks.com`. */
      baseUrl: string;
      fqdn?: never;
    };

/** Everything but the connection: the key, as in `@xsiam-sdk/auth`, and how to send requests. */
export interface XsiamClientSettings extends AuthOptions, RetryOptions {
  /**
   * The fetch to send requests with, e.g. one with a proxy agent, or one that records requests in
   * tests. It is called as `fetch(url, init)`.
   * @default globalThis.fetch
   */
  fetch?: FetchLike | undefined;
  /**
   * Requests per second this client lets start (an integer, 1 to 10000), `false` for no limit, or a `RateLimiter` from
   * `createRateLimiter` shared by every client of the same tenant (the service counts 10 per second
   * per tenant, across all clients). Requests beyond the limit wait, in order.
   * @default 10
   */
  rateLimit?: number | RateLimiter | false | undefined;
  /** Receives a debug line per attempt and response, and a warning per retry. Headers are redacted. */
  logger?: XsiamLogger | undefined;
  /** Called before each attempt is sent, with the secret headers redacted. */
  onRequest?: ((event: RequestEvent) => void) | undefined;
  /** Called after each attempt that got a response. */
  onResponse?: ((event: ResponseEvent) => void) | undefined;
  /**
   * Whether a `generate` that failed after the service may have acted finds out what became of
   * its key: it lists keys to find the one it minted (by a marker it puts in the key's comment,
   * `[xsiam-sdk:…]`, next to your comment), deletes it, and tries again while retries are left,
   * or throws `XsiamGenerateError` saying what happened. The key it lists with must be allowed
   * to list keys (or the error says so, naming the marker). Per call: `generate(…, { reconcile })`.
   * @default true
   */
  reconcileGenerate?: boolean | undefined;
  /**
   * How long, after a generate's request was sent, the service may still mint its key when the
   * call failed without knowing (a timeout, a connection lost after sending, a 502, 503 or 504 from
   * a gateway). Within it the client keeps looking for the call's marker (one poller per client and set of call headers,
   * a list per round, the first at once, then 1 s apart backing off to 15 s, through the rate limiter) and sends no
   * retry while the earlier request may still mint; when the window closes with no key found, the
   * request is taken as dead. `0` checks once, at once.
   * @default 180000 (the vendor's own integrations give a call 120 s; a gateway may time out first)
   */
  settleMs?: number | undefined;
  /**
   * The clock the client waits on: the rate limiter it makes (`rateLimit` as a number), the pause
   * before a retry, each attempt's timeout, the wait for a key a failed generate may still mint.
   * Its `now()` is also "now" for generate's expiration (the default of 7 days, the checks that it
   * is in the future and at most six months ahead) and for rotation's: a fake clock set in the past
   * makes the service refuse those. Signing reads the time from the key option `now` (`Date.now`
   * by default), not from this clock. Inject a fake one in tests to run those waits on fake time.
   * @default the system's
   */
  clock?: Clock | undefined;
}

/** Options of `createXsiamClient`. */
export type XsiamClientOptions = XsiamConnection & XsiamClientSettings;

/** A client for one tenant and one API key. */
export interface XsiamClient {
  /** Generate and delete API keys: checked inputs, typed results, typed errors. */
  readonly apiKeys: ApiKeysApi;
  /**
   * The openapi-fetch client underneath, typed by the spec, with the same auth, transport and
   * rules: a call's own `baseUrl` is checked like the client's, its headers are checked, and a
   * call's own `fetch` is refused. It returns `{ data, error, response }` instead of throwing for
   * error statuses.
   */
  readonly raw: Client<paths>;
  /** The base URL requests go to, after normalisation. */
  readonly baseUrl: string;
  /**
   * A client like this one (same key, connection, rate limiter, hooks) with other timeouts and
   * retries: the way to set them for `raw` calls, whose options are openapi-fetch's.
   *
   * @example
   * const { response } = await xsiam.withOptions({ maxRetries: 0, timeoutMs: 5_000 }).raw.POST("/public_api/v1/api_keys/delete", { body });
   */
  withOptions(options: RetryOptions): XsiamClient;
}

// How long a generate whose request may still be running waits for its key, by default.
const DEFAULT_SETTLE_MS = 180_000;

// The settings createXsiamClientFromEnv takes beside the variables: everything but the key and connection.
const SETTINGS = [
  "fetch",
  "rateLimit",
  "logger",
  "onRequest",
  "onResponse",
  "timeoutMs",
  "maxRetries",
  "retryBaseDelayMs",
  "maxRetryDelayMs",
  "reconcileGenerate",
  "settleMs",
  "clock",
] as const;
// Every option the client reads itself; the key options are read by @xsiam-sdk/auth, also as own properties.
const CLIENT_OPTIONS = ["fqdn", "baseUrl", ...SETTINGS] as const;

function connectionOf(fqdn: unknown, baseUrl: unknown, names: ConnectionNames): string {
  if (fqdn !== undefined && baseUrl !== undefined) {
    throw new XsiamValidationError(names.fqdn, `and ${names.baseUrl} are exclusive; give one of them`);
  }
  if (fqdn === undefined && baseUrl === undefined) {
    throw new XsiamValidationError(names.fqdn, `or ${names.baseUrl} is required`);
  }
  return fqdn !== undefined ? baseUrlFromFqdn(fqdn, names) : normaliseBaseUrl(baseUrl, names.baseUrl);
}

/**
 * Creates a client for one tenant. Options are checked here: a bad connection option throws
 * `XsiamValidationError`, a bad key option `XsiamAuthError`, each naming the option.
 *
 * @example
 * const xsiam = createXsiamClient({ fqdn: "mytenant.xdr.us.paloaltonetworks.com", apiKey, apiKeyId: 2841 });
 * const { id, key } = await xsiam.apiKeys.generate({ roles: ["Viewer"] });
 */
export function createXsiamClient(options: XsiamClientOptions): XsiamClient {
  return clientFrom(options, OPTION_NAMES);
}

/** `createXsiamClient`, with errors about the connection naming it as `names` says. */
function clientFrom(options: XsiamClientOptions, names: ConnectionNames): XsiamClient {
  if (typeof options !== "object" || options === null) {
    throw new XsiamValidationError("options", `must be an object (got ${described(options)})`);
  }
  const own = ownCopy(options, CLIENT_OPTIONS);
  const baseUrl = connectionOf(own.fqdn, own.baseUrl, names);
  const {
    fetch = globalThis.fetch,
    rateLimit = 10,
    logger,
    onRequest,
    onResponse,
    reconcileGenerate = true,
    settleMs = DEFAULT_SETTLE_MS,
  } = own;
  checkDelay("settleMs", settleMs);
  if (typeof reconcileGenerate !== "boolean") {
    throw new XsiamValidationError(
      "reconcileGenerate",
      `must be a boolean (got ${described(reconcileGenerate)})`,
    );
  }
  if (typeof fetch !== "function") {
    throw new XsiamValidationError("fetch", `must be a function (got ${described(fetch)})`);
  }
  for (const [name, hook] of [
    ["onRequest", onRequest],
    ["onResponse", onResponse],
  ] as const) {
    if (hook !== undefined && typeof hook !== "function") {
      throw new XsiamValidationError(name, `must be a function (got ${described(hook)})`);
    }
  }
  if (logger !== undefined && (typeof logger !== "object" || logger === null)) {
    throw new XsiamValidationError("logger", `must be an object (got ${described(logger)})`);
  }
  const clock = clockOf(own);
  const policy = retryPolicy(DEFAULT_RETRY_POLICY, own);
  const observed = logger !== undefined || onRequest !== undefined || onResponse !== undefined;
  return assembled(options, baseUrl, {
    fetch,
    policy,
    rateLimiter: rateLimiterOf(rateLimit, clock),
    observers: observed ? { logger, onRequest, onResponse } : undefined,
    reconcile: reconcileGenerate,
    settleMs,
    clock,
  });
}

/** What a client is made of beside its key: checked once, shared with the clients made from it. */
interface Parts {
  fetch: FetchLike;
  policy: RetryPolicy;
  rateLimiter: RateLimiter | undefined;
  observers: ObserverSettings | undefined;
  reconcile: boolean;
  settleMs: number;
  clock: Clock;
}

// The key options a client for another key keeps from its parent: where it acts, and the injected clock and randomness.
const INHERITED_AUTH_OPTIONS = ["childTenantId", "now", "randomBytes"] as const;

/**
 * The client for the key options `auth`, from checked parts: the signer, the transport (which signs
 * every attempt after its rate-limit slot), the openapi-fetch client the methods call through, and
 * `raw`, that client held to the client's rules.
 */
function assembled(auth: AuthOptions, baseUrl: string, parts: Parts): XsiamClient {
  const { signHeaders, securityLevel } = createAuthMiddleware(auth);
  const transport = createTransport({
    fetch: parts.fetch,
    signHeaders,
    rateLimiter: parts.rateLimiter,
    clock: parts.clock,
    observers: parts.observers,
    random: Math.random,
  });
  const own = transport(parts.policy);
  const fetchFor = (policy: RetryPolicy): CallFetch => (policy === parts.policy ? own : transport(policy));
  const core = createClient<paths>(clientOptions(baseUrl, own));
  const apiKeys = createApiKeysApi({
    core,
    fetchFor,
    securityLevel,
    policy: parts.policy,
    reconcile: parts.reconcile,
    settleMs: parts.settleMs,
    clock: parts.clock,
    random: Math.random,
    // The auth middleware has checked it: a positive integer or its decimal string.
    ownKeyId: Number(ownCopy(auth, ["apiKeyId"]).apiKeyId),
    clientFor: (key) =>
      assembled({ ...ownCopy(auth, INHERITED_AUTH_OPTIONS), ...key }, baseUrl, parts).apiKeys,
  });
  return {
    apiKeys,
    raw: guardedClient(core, own, baseUrl),
    baseUrl,
    withOptions: (options) => {
      if (typeof options !== "object" || options === null) {
        throw new XsiamValidationError("withOptions", `must be an object (got ${described(options)})`);
      }
      return assembled(auth, baseUrl, { ...parts, policy: retryPolicy(parts.policy, options) });
    },
  };
}

function rateLimiterOf(rateLimit: number | RateLimiter | false, clock: Clock): RateLimiter | undefined {
  if (rateLimit === false) return undefined;
  if (typeof rateLimit === "number") return createRateLimiter(rateLimit, { clock });
  if (typeof rateLimit === "object" && rateLimit !== null && typeof rateLimit.acquire === "function")
    return rateLimit;
  throw new XsiamValidationError(
    "rateLimit",
    `must be a number, a RateLimiter or false (got ${described(rateLimit)})`,
  );
}

/** Environment variables `createXsiamClientFromEnv` reads. */
const ENV = {
  baseUrl: "XSIAM_BASE_URL",
  fqdn: "XSIAM_FQDN",
  apiKey: "XSIAM_API_KEY",
  apiKeyId: "XSIAM_API_KEY_ID",
  securityLevel: "XSIAM_SECURITY_LEVEL",
  childTenantId: "XSIAM_CHILD_TENANT_ID",
} as const;

function processEnv(): Readonly<Record<string, string | undefined>> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/**
 * Creates a client from `XSIAM_BASE_URL` or `XSIAM_FQDN`, `XSIAM_API_KEY`, `XSIAM_API_KEY_ID`,
 * and optionally `XSIAM_SECURITY_LEVEL` and `XSIAM_CHILD_TENANT_ID`. Empty variables count as
 * unset. Errors name the variable.
 *
 * @param env where to read the variables. @default process.env
 * @param settings further settings, e.g. `fetch`.
 * @example
 * const xsiam = createXsiamClientFromEnv();
 */
export function createXsiamClientFromEnv(
  env: Readonly<Record<string, string | undefined>> = processEnv(),
  settings: Omit<XsiamClientSettings, keyof AuthOptions> = {},
): XsiamClient {
  // Own variables only: an inherited one was not set by anyone.
  const read = (name: string): string | undefined =>
    Object.hasOwn(env, name) && env[name] !== "" ? env[name] : undefined;
  const required = (name: string): string => {
    const value = read(name);
    if (value === undefined) throw new XsiamValidationError(name, "is not set");
    return value;
  };
  const baseUrl = read(ENV.baseUrl);
  const fqdn = read(ENV.fqdn);
  if (baseUrl !== undefined && fqdn !== undefined) {
    throw new XsiamValidationError(ENV.baseUrl, `and ${ENV.fqdn} are exclusive; set one of them`);
  }
  if (baseUrl === undefined && fqdn === undefined) {
    throw new XsiamValidationError(ENV.fqdn, `or ${ENV.baseUrl} must be set`);
  }
  if (typeof settings !== "object" || settings === null) {
    throw new XsiamValidationError("settings", `must be an object (got ${described(settings)})`);
  }
  const auth: AuthOptions = {
    apiKey: required(ENV.apiKey),
    apiKeyId: required(ENV.apiKeyId),
    securityLevel: read(ENV.securityLevel) as AuthOptions["securityLevel"],
    childTenantId: read(ENV.childTenantId),
  };
  const connection: XsiamConnection = baseUrl !== undefined ? { baseUrl } : { fqdn: fqdn as string };
  try {
    return clientFrom({ ...ownCopy(settings, SETTINGS), ...auth, ...connection }, ENV);
  } catch (error) {
    // Report the variable the user set, not the option it became.
    if (error instanceof XsiamAuthError && error.option in ENV) {
      throw new XsiamValidationError(ENV[error.option as keyof typeof ENV], error.problem);
    }
    throw error;
  }
}
