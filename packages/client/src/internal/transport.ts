import {
  type Attempts,
  XsiamAbortError,
  XsiamApiError,
  type XsiamError,
  XsiamNetworkError,
  XsiamTimeoutError,
} from "../errors.js";
import type { RateLimiter } from "../rate-limiter.js";
import {
  type RequestEvent,
  type ResponseEvent,
  type RetryOptions,
  type RetryPolicy,
  retryPolicy,
  type XsiamLogger,
} from "../reliability.js";
import { MAX_RESPONSE_BYTES, ResponseTooLarge, readCapped } from "./body.js";
import { buffered } from "./buffered-response.js";
import { type Endpoint, endpointOf } from "./endpoints.js";
import { redactedBody, redactedHeaders, type SecretMatcher, secretMatcher, secretsOf } from "./redact.js";
import { type AttemptResult, type Failure, nextStep } from "./retry.js";
import { sleep } from "./sleep.js";

/** The fetch the client sends requests with: `globalThis.fetch` or one the caller provides. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** The fetch openapi-fetch is given: the transport, which sends one call's attempts. */
export type Transport = (request: Request) => Promise<Response>;

/** What the transport needs from the client. */
export interface TransportSettings {
  fetch: FetchLike;
  /** Re-signs a request's headers (new nonce and timestamp): the auth middleware's `signHeaders`. */
  signHeaders: (headers: Headers) => Promise<void>;
  policy: RetryPolicy;
  rateLimiter: RateLimiter | undefined;
  logger: XsiamLogger | undefined;
  onRequest: ((event: RequestEvent) => void) | undefined;
  onResponse: ((event: ResponseEvent) => void) | undefined;
  /** Source of jitter for backoff. */
  random?: () => number;
}

/** What the transport knew of the call that produced a response. */
export interface CallRecord {
  readonly attempts: Attempts;
  /** For a redirect: the origin it pointed to (nothing was sent there). */
  readonly redirectedTo: string | undefined;
}

const callByResponse = new WeakMap<Response, CallRecord>();

/** What the transport knew of the call that produced `response`, if it went through one. */
export function callOf(response: Response): CallRecord | undefined {
  return callByResponse.get(response);
}

// Failures that happen before any byte of the request leaves: safe to retry even for generate.
const NOTHING_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
// TLS handshake failures: the request is written only after the handshake, so nothing was sent.
const TLS_FAILURE =
  /^(?:ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;
const MAY_HAVE_ACTED = "; not retried, as the service may have acted: check before retrying";

type Outcome =
  | { response: Response; bytes: Uint8Array }
  | { failure: Failure; error: unknown; status?: number };

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

/** The origin a redirect points to, resolved against the request's URL; never its path or query. */
function originOf(location: string, base: string): string {
  try {
    return new URL(location, base).origin;
  } catch {
    return "a location that is not a URL";
  }
}

/** Per-call retry options: what `apiKeys` methods and `raw` calls pass as `xsiam`. */
function perCallOptions(request: Request): RetryOptions | undefined {
  return Object.hasOwn(request, "xsiam") ? (request as { xsiam?: RetryOptions }).xsiam : undefined;
}

/**
 * The fetch openapi-fetch calls, below the auth middleware. Each attempt waits for the rate
 * limiter, is sent with a timeout, has its whole body read (at most `MAX_RESPONSE_BYTES`), and
 * then `nextStep` decides whether to try again. Redirects are never followed: the API does not
 * redirect, and following one would send the auth headers and the body to wherever it points.
 *
 * A retried request must carry a new signature, and openapi-fetch runs middleware once per
 * call, so the transport re-signs every later attempt itself with the middleware's own
 * `signHeaders`: one signer, and the first attempt is signed exactly once.
 */
export function createTransport(settings: TransportSettings): Transport {
  const { fetch, signHeaders, rateLimiter, logger, onRequest, onResponse, random = Math.random } = settings;
  const observed = onRequest !== undefined || onResponse !== undefined || logger?.debug !== undefined;

  const report = <T>(hook: ((event: T) => void) | undefined, event: T, name: string) => {
    try {
      hook?.(event);
    } catch (error) {
      logger?.warn?.(`xsiam: the ${name} hook threw; ignored`, {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  return async (request) => {
    const policy = retryPolicy(settings.policy, perCallOptions(request), "xsiam.");
    const { url, method, headers, signal: callerSignal } = request;
    const { host, pathname } = new URL(url);
    const endpoint = endpointOf(pathname);
    const label = endpoint?.operation ?? `${method} ${pathname}`;
    const maxAttempts = policy.maxRetries + 1;
    const body = request.body === null ? undefined : await request.text();
    const init: RequestInit = { method, headers, redirect: "manual" };
    if (body !== undefined) init.body = body;
    // Every attempt is signed anew: an echo of any of them must be recognised.
    const secrets: string[] = [];
    let matcher: SecretMatcher | undefined;

    const aborted = (attempts: number, requestSent = false) =>
      new XsiamAbortError(`${label} was aborted`, {
        cause: callerSignal.reason,
        attempts,
        maxAttempts,
        requestSent,
      });
    const pause = async (ms: number, attempts: number) => {
      await sleep(ms, callerSignal).catch(() => {
        throw aborted(attempts);
      });
    };

    for (let attempt = 1; ; attempt++) {
      const attempts = { attempts: attempt, maxAttempts };
      if (attempt > 1) await signHeaders(headers);
      if (rateLimiter) {
        await rateLimiter.acquire(callerSignal).catch((error: unknown) => {
          throw callerSignal.aborted ? aborted(attempt - 1) : error;
        });
      }
      if (callerSignal.aborted) throw aborted(attempt - 1);
      secrets.push(...secretsOf(headers));
      if (observed) {
        matcher = secretMatcher(secrets);
        const event = { method, url, attempt, maxAttempts, headers: redactedHeaders(headers, matcher) };
        logger?.debug?.(`xsiam: ${method} ${pathname} attempt ${attempt} of ${maxAttempts}`, event);
        report(onRequest, event, "onRequest");
      }
      const started = performance.now();
      const outcome = await send(fetch, url, init, policy.timeoutMs, callerSignal);
      if (observed && "response" in outcome) {
        const { status } = outcome.response;
        const durationMs = Math.round((performance.now() - started) * 10) / 10;
        const responseHeaders = redactedHeaders(outcome.response.headers, matcher);
        const event = { method, url, attempt, maxAttempts, status, durationMs, headers: responseHeaders };
        logger?.debug?.(`xsiam: ${method} ${pathname} answered ${status}`, event);
        report(onResponse, event, "onResponse");
      }

      const result: AttemptResult =
        "response" in outcome
          ? { status: outcome.response.status, retryAfter: outcome.response.headers.get("retry-after") }
          : { failure: outcome.failure };
      const next = nextStep(result, attempt, policy, endpoint?.idempotent ?? false, random);
      const what = "status" in result ? String(result.status) : failureReason(outcome);
      if (next.retry) {
        logger?.warn?.(`xsiam: ${label}: ${what}; retry in ${next.waitMs} ms`, attempts);
        await pause(next.waitMs, attempt);
        continue;
      }
      if (next.declined) logger?.warn?.(`xsiam: ${label}: ${what}; not retried: ${next.declined}`, attempts);

      if ("response" in outcome) {
        const { response, bytes } = outcome;
        const location =
          response.status >= 300 && response.status < 400 ? response.headers.get("location") : null;
        callByResponse.set(response, {
          attempts,
          redirectedTo: location === null ? undefined : originOf(location, url),
        });
        return buffered(
          response,
          response.ok ? bytes : redactedBody(bytes, secrets, endpoint?.mintsKeys ?? false),
        );
      }
      throw failureError(outcome, { label, host, endpoint, attempts, timeoutMs: policy.timeoutMs, aborted });
    }
  };
}

function failureReason(outcome: Outcome): string {
  if ("response" in outcome) return String(outcome.response.status);
  return outcome.failure === "timeout" ? "timeout" : reasonOf(outcome.error).reason;
}

/** The error for an attempt that ended without a response to hand over, and was not retried. */
function failureError(
  outcome: Extract<Outcome, { failure: Failure }>,
  context: {
    label: string;
    host: string;
    endpoint: Endpoint | undefined;
    attempts: Attempts;
    timeoutMs: number;
    aborted: (attempts: number, requestSent: boolean) => XsiamAbortError;
  },
): XsiamError {
  const { label, host, endpoint, attempts } = context;
  const { failure, error } = outcome;
  const note = endpoint?.idempotent === false ? MAY_HAVE_ACTED : "";
  switch (failure) {
    case "aborted":
      return context.aborted(attempts.attempts, true);
    case "too-large": {
      const problem = `the body exceeds ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB`;
      if (!endpoint) {
        return new XsiamNetworkError(`${label}: ${problem}`, {
          cause: undefined,
          requestSent: true,
          ...attempts,
        });
      }
      return new XsiamApiError({
        status: outcome.status ?? 0,
        operation: endpoint.operation,
        problem,
        attempts,
      });
    }
    case "timeout":
      return new XsiamTimeoutError(`${label} timed out after ${context.timeoutMs} ms${note}`, {
        cause: error,
        timeoutMs: context.timeoutMs,
        requestSent: true,
        ...attempts,
      });
    case "tls": {
      const { reason } = reasonOf(error);
      const hint =
        reason === "ERR_SSL_WRONG_VERSION_NUMBER"
          ? "An http server? Use baseUrl with http:// (loopback only)"
          : "Check the server's certificate, or the proxy in between";
      return new XsiamNetworkError(
        `${label}: could not reach ${host}: the TLS handshake failed (${reason}), so nothing was sent`,
        { cause: error, hint, ...attempts },
      );
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

/** One attempt: fetch and read the whole body, within `timeoutMs`, unless the caller aborts. */
async function send(
  fetch: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  callerSignal: AbortSignal,
): Promise<Outcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
        timedOut = true;
        controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
      }, timeoutMs)
    : undefined;
  const onAbort = () => controller.abort(callerSignal.reason);
  callerSignal.addEventListener("abort", onAbort, { once: true });
  let status: number | undefined;
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    status = response.status;
    return { response, bytes: await readCapped(response) };
  } catch (error) {
    if (callerSignal.aborted) return { failure: "aborted", error };
    if (timedOut) return { failure: "timeout", error };
    if (error instanceof ResponseTooLarge)
      return { failure: "too-large", error, ...(status !== undefined && { status }) };
    const { code } = reasonOf(error);
    if (code !== undefined && TLS_FAILURE.test(code)) return { failure: "tls", error };
    return { failure: code !== undefined && NOTHING_SENT.has(code) ? "not-sent" : "network", error };
  } finally {
    clearTimeout(timer);
    callerSignal.removeEventListener("abort", onAbort);
  }
}
