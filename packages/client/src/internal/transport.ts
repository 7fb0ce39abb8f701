import {
  type Attempts,
  type OperationId,
  XsiamAbortError,
  XsiamApiError,
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
import { sleep } from "./sleep.js";

/** The fetch the client sends requests with: `globalThis.fetch` or one the caller provides. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

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

/** The largest response body read; no reply of this API comes near it. */
export const MAX_RESPONSE_BYTES: number = 1 << 20;

// Which endpoint a request is for decides whether it may be repeated: deleting is idempotent,
// generating is not (a repeated generate can mint a second key).
const ENDPOINTS: ReadonlyArray<{ path: string; operation: OperationId; idempotent: boolean }> = [
  { path: "/public_api/v1/api_keys/generate", operation: "generateApiKey", idempotent: false },
  { path: "/public_api/v1/api_keys/delete", operation: "deleteApiKeys", idempotent: true },
];
// Failures that happen before any byte of the request leaves: safe to retry even for generate.
const NOTHING_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const EMPTY = new Uint8Array(0);
const decoder = new TextDecoder();
const encoder = new TextEncoder();

const attemptsByResponse = new WeakMap<Response, Attempts>();

/** How many attempts the call that produced `response` made, if it went through a transport. */
export function attemptsOf(response: Response): Attempts | undefined {
  return attemptsByResponse.get(response);
}

class ResponseTooLarge extends Error {}

type Outcome =
  | { response: Response; bytes: Uint8Array }
  | { failure: "aborted" | "timeout" | "not-sent" | "network"; error: unknown }
  | { failure: "too-large"; status: number };

/**
 * What went wrong, from undici's `cause` chain: the first error code (ECONNREFUSED, ENOTFOUND…)
 * if there is one, else the innermost message ("fetch failed" alone says nothing).
 */
function reasonOf(error: unknown): { code?: string; reason: string } {
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

function redacted(headers: Headers): Record<string, string> {
  const shown: Record<string, string> = {};
  headers.forEach((value, name) => {
    shown[name] = SECRET_HEADERS.has(name) ? "[redacted]" : value;
  });
  return shown;
}

/**
 * An error body without the values of the request's secret headers: some gateways repeat the
 * request's headers in their error pages, and an error body reaches `XsiamApiError`.
 */
function withoutSecrets(bytes: Uint8Array, headers: Headers): Uint8Array {
  const secrets: string[] = [];
  headers.forEach((value, name) => {
    if (SECRET_HEADERS.has(name) && value !== "") secrets.push(value);
  });
  if (secrets.length === 0 || bytes.byteLength === 0) return bytes;
  const text = decoder.decode(bytes);
  const clean = secrets.reduce((result, secret) => result.replaceAll(secret, "[redacted]"), text);
  return clean === text ? bytes : encoder.encode(clean);
}

/** Reads a whole body, refusing one larger than `MAX_RESPONSE_BYTES`. */
async function readBody(response: Response): Promise<Uint8Array> {
  const { body } = response;
  if (body === null) return EMPTY;
  const declared = response.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_RESPONSE_BYTES) {
    await body.cancel().catch(() => undefined);
    throw new ResponseTooLarge();
  }
  if (declared !== null) return new Uint8Array(await response.arrayBuffer());
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Hands back `response` with its body already read into `bytes`. The body methods are shadowed
 * on this one object to serve `bytes`; building a second Response instead costs undici more
 * than the rest of the client's own work per request (see `pnpm bench`).
 */
function buffered(response: Response, bytes: Uint8Array): Response {
  let used = false;
  const take = (): Uint8Array => {
    if (used) throw new TypeError("Body is unusable: Body has already been read");
    used = true;
    return bytes;
  };
  const copy = () => {
    const data = take();
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  };
  const read =
    <T>(convert: () => T) =>
    (): Promise<T> => {
      try {
        return Promise.resolve(convert());
      } catch (error) {
        return Promise.reject(error);
      }
    };
  let stream: ReadableStream<Uint8Array> | null | undefined;
  Object.defineProperties(response, {
    bodyUsed: { get: () => used },
    body: {
      get: () => {
        if (stream !== undefined) return stream;
        if (NULL_BODY_STATUSES.has(response.status)) {
          stream = null;
          return stream;
        }
        const data = bytes;
        stream = new ReadableStream<Uint8Array>({
          start(controller) {
            used = true;
            if (data.byteLength > 0) controller.enqueue(data);
            controller.close();
          },
        });
        return stream;
      },
    },
    arrayBuffer: { value: read(copy) },
    bytes: { value: read(() => take().slice()) },
    text: { value: read(() => decoder.decode(take())) },
    json: { value: read(() => JSON.parse(decoder.decode(take()))) },
    blob: {
      value: read(() => new Blob([copy()], { type: response.headers.get("content-type") ?? "" })),
    },
    clone: {
      value: () =>
        buffered(
          new Response(NULL_BODY_STATUSES.has(response.status) ? null : bytes.slice(), {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
          }),
          bytes,
        ),
    },
  });
  return response;
}

/**
 * The wait before retry number `attempt`: what `Retry-After` asks for if it is given and within
 * `maxRetryDelayMs` (`undefined` if it is longer: no retry), else exponential backoff with
 * equal jitter: between half and all of `retryBaseDelayMs × 2^(attempt−1)`, capped.
 */
export function retryDelay(
  retryAfter: string | null,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
): number | undefined {
  if (retryAfter !== null) {
    const asked = /^\s*\d+\s*$/.test(retryAfter)
      ? Number(retryAfter) * 1_000
      : Date.parse(retryAfter) - Date.now();
    if (!Number.isNaN(asked)) {
      const wait = Math.max(0, asked);
      return wait <= policy.maxRetryDelayMs ? wait : undefined;
    }
  }
  const ceiling = Math.min(policy.maxRetryDelayMs, policy.retryBaseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The fetch openapi-fetch calls, below the auth middleware: for each attempt it waits for the
 * rate limiter, sends with a timeout, reads the whole body (up to `MAX_RESPONSE_BYTES`), and
 * decides whether to retry.
 *
 * A retried request must carry a new signature, and openapi-fetch runs middleware once per
 * call, so the transport re-signs every later attempt itself with the middleware's own
 * `signHeaders`: one signer, and the first attempt is signed exactly once.
 */
export function createTransport(settings: TransportSettings): (request: Request) => Promise<Response> {
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
    const policy = retryPolicy(settings.policy, (request as { xsiam?: RetryOptions }).xsiam, "xsiam.");
    const { url, method, headers, signal: callerSignal } = request;
    const { host, pathname } = new URL(url);
    const endpoint = ENDPOINTS.find(({ path }) => pathname.endsWith(path));
    const idempotent = endpoint?.idempotent ?? false;
    const label = endpoint?.operation ?? `${method} ${pathname}`;
    const mayHaveActed = idempotent
      ? ""
      : "; not retried, as the service may have acted: check before retrying";
    const maxAttempts = policy.maxRetries + 1;
    const body = request.body === null ? undefined : await request.text();
    const init: RequestInit = { method, headers, redirect: request.redirect };
    if (body !== undefined) init.body = body;

    const aborted = (attempts: number) =>
      new XsiamAbortError(`${label} was aborted`, {
        cause: callerSignal.reason,
        attempts,
        maxAttempts,
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
      if (observed) {
        const event = { method, url, attempt, maxAttempts, headers: redacted(headers) };
        logger?.debug?.(`xsiam: ${method} ${pathname} attempt ${attempt} of ${maxAttempts}`, event);
        report(onRequest, event, "onRequest");
      }
      const started = performance.now();
      const outcome = await send(fetch, url, init, policy.timeoutMs, callerSignal);
      const canRetry = attempt < maxAttempts;

      if ("response" in outcome) {
        const { response, bytes } = outcome;
        const { status } = response;
        if (observed) {
          const event = {
            method,
            url,
            attempt,
            maxAttempts,
            status,
            durationMs: performance.now() - started,
            headers: redacted(response.headers),
          };
          logger?.debug?.(`xsiam: ${method} ${pathname} answered ${status}`, event);
          report(onResponse, event, "onResponse");
        }
        // A 429 means the request was turned away, so even generate is safe to repeat.
        const transient = status === 429 || status === 502 || status === 503 || status === 504;
        if (transient && canRetry && (status === 429 || idempotent)) {
          const wait = retryDelay(response.headers.get("retry-after"), attempt, policy, random);
          if (wait !== undefined) {
            logger?.warn?.(`xsiam: ${label}: ${status}; retry in ${wait} ms`, attempts);
            await pause(wait, attempt);
            continue;
          }
          logger?.warn?.(`xsiam: ${label}: ${status}, Retry-After too long; not retrying`, attempts);
        } else if (transient && canRetry) {
          logger?.warn?.(`xsiam: ${label}: ${status}${mayHaveActed}`, attempts);
        }
        attemptsByResponse.set(response, attempts);
        return buffered(response, response.ok ? bytes : withoutSecrets(bytes, headers));
      }

      const { failure } = outcome;
      if (failure === "aborted") throw aborted(attempt);
      if (failure === "too-large") {
        const problem = "the body exceeds 1 MiB";
        if (!endpoint) throw new XsiamNetworkError(`${label}: ${problem}`, { cause: undefined, ...attempts });
        throw new XsiamApiError({ status: outcome.status, operation: endpoint.operation, problem, attempts });
      }
      const retry = canRetry && (failure === "not-sent" || idempotent);
      if (retry) {
        const wait = retryDelay(null, attempt, policy, random) ?? 0;
        logger?.warn?.(
          `xsiam: ${label}: ${failure === "timeout" ? "timeout" : reasonOf(outcome.error).reason}; retry in ${wait} ms`,
          attempts,
        );
        await pause(wait, attempt);
        continue;
      }
      const note = failure === "not-sent" ? "" : mayHaveActed;
      if (failure === "timeout") {
        throw new XsiamTimeoutError(`${label} timed out after ${policy.timeoutMs} ms${note}`, {
          cause: outcome.error,
          timeoutMs: policy.timeoutMs,
          ...attempts,
        });
      }
      const what = failure === "not-sent" ? `could not reach ${host}` : `the connection to ${host} failed`;
      throw new XsiamNetworkError(`${label}: ${what} (${reasonOf(outcome.error).reason})${note}`, {
        cause: outcome.error,
        ...attempts,
      });
    }
  };
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
  let status = 0;
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    status = response.status;
    return { response, bytes: await readBody(response) };
  } catch (error) {
    if (callerSignal.aborted) return { failure: "aborted", error };
    if (timedOut) return { failure: "timeout", error };
    if (error instanceof ResponseTooLarge) return { failure: "too-large", status };
    const { code } = reasonOf(error);
    return { failure: code !== undefined && NOTHING_SENT.has(code) ? "not-sent" : "network", error };
  } finally {
    clearTimeout(timer);
    callerSignal.removeEventListener("abort", onAbort);
  }
}
