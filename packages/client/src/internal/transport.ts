import { XsiamAbortError, XsiamNetworkError } from "../errors.js";

/** The fetch the client sends requests with: `globalThis.fetch` or one the caller provides. */
export type FetchLike = (input: Request) => Promise<Response>;

/**
 * Why a fetch failed: the first error code in undici's `cause` chain (ECONNREFUSED, ENOTFOUND…),
 * or else the innermost message ("fetch failed" alone says nothing).
 */
function reasonOf(error: unknown): string {
  let reason = "unknown error";
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    reason = current.message;
    current = current.cause;
  }
  return reason;
}

/**
 * The fetch openapi-fetch calls, below the auth middleware. Turns a failed fetch into a typed
 * error: `XsiamAbortError` when the caller's signal aborted it, `XsiamNetworkError` otherwise.
 */
export function createTransport(fetch: FetchLike): FetchLike {
  return async (request) => {
    try {
      return await fetch(request);
    } catch (error) {
      if (request.signal.aborted) {
        throw new XsiamAbortError("the request was aborted by the caller's signal", {
          cause: request.signal.reason,
        });
      }
      const { host } = new URL(request.url);
      throw new XsiamNetworkError(`could not reach ${host} (${reasonOf(error)})`, { cause: error });
    }
  };
}
