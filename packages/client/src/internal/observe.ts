// What the logger and the hooks get: an event per attempt and per response, and a warning per
// retry, with every header that holds a secret of the call shown as `[redacted]`. Loaded only by a
// client that has a logger or a hook.
// Reaches the whole package, as the entry does: a bundler that splits at dynamic imports (esbuild)
// then puts all the code that loads up front in one chunk, instead of one per set of lazy modules
// that shares it, which compresses worse and loads as several files.
import "../index.js";
import type { Attempts } from "../errors.js";
import type { RequestEvent, ResponseEvent, XsiamLogger } from "../reliability.js";
import { redactedHeaders, secretMatcher } from "./redact.js";

/** Reports one call's attempts. */
export interface Observer {
  /** Before an attempt is sent, with the secrets of every attempt so far. */
  request(event: Omit<RequestEvent, "headers">, headers: Headers, secrets: readonly string[]): void;
  /** After an attempt got a response. */
  response(event: Omit<ResponseEvent, "headers">, headers: Headers, secrets: readonly string[]): void;
  /** A retry, or a retry declined. */
  warn(message: string, attempts: Attempts): void;
}

export interface ObserverSettings {
  readonly logger: XsiamLogger | undefined;
  readonly onRequest: ((event: RequestEvent) => void) | undefined;
  readonly onResponse: ((event: ResponseEvent) => void) | undefined;
}

/** The observer of a client's calls. */
export function createObserver({ logger, onRequest, onResponse }: ObserverSettings): Observer {
  // A hook that throws is reported, and does not break the call.
  const report = <T>(hook: ((event: T) => void) | undefined, event: T, name: string) => {
    try {
      hook?.(event);
    } catch (error) {
      logger?.warn?.(`xsiam: the ${name} hook threw; ignored`, {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  return {
    request(event, headers, secrets) {
      const full: RequestEvent = { ...event, headers: redactedHeaders(headers, secretMatcher(secrets)) };
      const { pathname } = new URL(event.url);
      logger?.debug?.(`xsiam: ${event.method} ${pathname} attempt ${event.attempt} of ${event.maxAttempts}`, {
        ...full,
      });
      report(onRequest, full, "onRequest");
    },
    response(event, headers, secrets) {
      const full: ResponseEvent = { ...event, headers: redactedHeaders(headers, secretMatcher(secrets)) };
      const { pathname } = new URL(event.url);
      logger?.debug?.(`xsiam: ${event.method} ${pathname} answered ${event.status}`, { ...full });
      report(onResponse, full, "onResponse");
    },
    warn(message, attempts) {
      logger?.warn?.(`xsiam: ${message}`, { ...attempts });
    },
  };
}
