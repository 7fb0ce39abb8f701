// The request path, one attempt after another: wait for a rate-limit slot → sign (after the slot,
// so that time spent waiting never counts against the signature's five-minute window) → send and
// read the whole body, within the timeout → retry or not. What only a failure needs (its error,
// the redaction of an error body) and what only a logger or a hook needs are loaded when needed.

import type { Clock } from "../clock.js";
import { sleep } from "../clock.js";
import { type Attempts, XsiamAbortError } from "../errors.js";
import type { RateLimiter } from "../rate-limiter.js";
import type { RetryPolicy } from "../reliability.js";
import { buffered } from "./buffered-response.js";
import { endpointOf } from "./endpoints.js";
import { loadFailures } from "./load-failures.js";
import type { Observer, ObserverSettings } from "./observe.js";
import { type AttemptResult, nextStep } from "./retry.js";
import { type FetchLike, type Outcome, send } from "./send.js";

/** The fetch openapi-fetch is given for a call: the transport, with the call's retry policy. */
export type CallFetch = (request: Request) => Promise<Response>;

/** What the transport needs from the client, resolved once. */
export interface TransportSettings {
  readonly fetch: FetchLike;
  /** Sets fresh auth headers (new nonce and timestamp) on a request's headers. */
  readonly signHeaders: (headers: Headers) => Promise<void>;
  readonly rateLimiter: RateLimiter | undefined;
  readonly clock: Clock;
  /** The logger and the hooks, when there are any. */
  readonly observers: ObserverSettings | undefined;
  /** Source of jitter for backoff. */
  readonly random: () => number;
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

// The headers whose values are secrets of the call: what no error body may echo.
const SECRET_HEADERS = ["authorization", "proxy-authorization", "cookie"] as const;

/**
 * The transport: `forPolicy(policy)` is the fetch for calls with that retry policy. Redirects are
 * never followed: the API does not redirect, and following one would send the auth headers and
 * the body to wherever it points. Every attempt is signed anew, after its slot.
 */
export function createTransport(settings: TransportSettings): (policy: RetryPolicy) => CallFetch {
  const { fetch, signHeaders, rateLimiter, clock, observers, random } = settings;
  let observer: Promise<Observer> | undefined;

  return (policy) => async (request) => {
    const { url, method, headers, signal } = request;
    const endpoint = endpointOf(url);
    const maxAttempts = policy.maxRetries + 1;
    const body = request.body === null ? undefined : await request.text();
    const init: RequestInit = { method, headers, redirect: "manual" };
    if (body !== undefined) init.body = body;
    if (observers && observer === undefined) {
      observer = import("./observe.js").then((module) => module.createObserver(observers));
    }
    const report = observer && (await observer);
    // Every attempt's secrets: an echo of any of them must be recognised.
    const secrets: string[] = [];
    const aborted = (attempts: number) =>
      new XsiamAbortError(`${endpoint?.operation ?? method} was aborted`, {
        cause: signal.reason,
        attempts,
        maxAttempts,
      });

    for (let attempt = 1; ; attempt++) {
      const attempts = { attempts: attempt, maxAttempts };
      if (rateLimiter) {
        await rateLimiter.acquire(signal).catch((error: unknown) => {
          throw signal.aborted ? aborted(attempt - 1) : error;
        });
      }
      if (signal.aborted) throw aborted(attempt - 1);
      await signHeaders(headers);
      for (const name of SECRET_HEADERS) {
        const value = headers.get(name);
        if (value !== null) secrets.push(value);
      }
      report?.request({ method, url, attempt, maxAttempts }, headers, secrets);
      const started = performance.now();
      const outcome = await send(fetch, url, init, policy.timeoutMs, signal, clock);
      const result: AttemptResult =
        "response" in outcome
          ? { status: outcome.response.status, retryAfter: outcome.response.headers.get("retry-after") }
          : { failure: outcome.failure };
      if (report && "response" in outcome) {
        const { status } = outcome.response;
        const durationMs = Math.round((performance.now() - started) * 10) / 10;
        report.response(
          { method, url, attempt, maxAttempts, status, durationMs },
          outcome.response.headers,
          secrets,
        );
      }
      const next = nextStep(result, attempt, policy, endpoint?.idempotent ?? false, random, clock.now());
      if (next.retry) {
        if (report)
          report.warn(
            `${endpoint?.operation ?? method}: ${await what(outcome)}; retry in ${next.waitMs} ms`,
            attempts,
          );
        await sleep(next.waitMs, signal, clock).catch(() => {
          throw aborted(attempt);
        });
        continue;
      }
      if (next.declined && report) {
        report.warn(
          `${endpoint?.operation ?? method}: ${await what(outcome)}; not retried: ${next.declined}`,
          attempts,
        );
      }
      if ("response" in outcome) {
        const { response, bytes } = outcome;
        const location =
          response.status >= 300 && response.status < 400 ? response.headers.get("location") : null;
        callByResponse.set(response, {
          attempts,
          redirectedTo:
            location === null ? undefined : (await loadFailures()).redirectTarget(location, url, secrets),
        });
        if (response.ok) return buffered(response, bytes);
        const { redactedBody } = await loadFailures();
        return buffered(response, redactedBody(bytes, secrets, endpoint?.mintsKeys ?? false));
      }
      const { transportFailure } = await loadFailures();
      const { host, pathname } = new URL(url);
      throw transportFailure(outcome, {
        label: endpoint?.operation ?? `${method} ${pathname}`,
        host,
        endpoint,
        attempts,
        timeoutMs: policy.timeoutMs,
        signal,
      });
    }
  };
}

/** An attempt's result, in a word or two, for a warning: its status, or what went wrong. */
async function what(outcome: Outcome): Promise<string> {
  if ("response" in outcome) return String(outcome.response.status);
  if (outcome.failure === "timeout") return "timeout";
  return (await loadFailures()).reasonOf(outcome.error).reason;
}
