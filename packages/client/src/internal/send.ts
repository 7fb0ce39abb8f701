import type { Clock } from "../clock.js";
import { ResponseTooLarge, readCapped } from "./body.js";
import { loadFailures } from "./load-failures.js";
import type { Failure } from "./retry.js";

/** The fetch the client sends requests with: `globalThis.fetch` or one the caller provides. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** How one attempt ended: a response with its whole body, or a failure. */
export type Outcome =
  | { readonly response: Response; readonly bytes: Uint8Array }
  | { readonly failure: Failure; readonly error: unknown; readonly status?: number };

/**
 * One attempt: fetch, and read the whole body (at most `MAX_RESPONSE_BYTES`), within `timeoutMs`
 * on `clock`, unless `signal` aborts first. A fetch that throws for another reason is told apart
 * (nothing sent, or maybe sent) by the failure module, loaded then.
 */
export async function send(
  fetch: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal: AbortSignal,
  clock: Clock,
): Promise<Outcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = Number.isFinite(timeoutMs)
    ? clock.setTimeout(() => {
        timedOut = true;
        controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
      }, timeoutMs)
    : undefined;
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  let status: number | undefined;
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    status = response.status;
    return { response, bytes: await readCapped(response) };
  } catch (error) {
    if (signal.aborted) return { failure: "aborted", error };
    if (timedOut) return { failure: "timeout", error };
    if (error instanceof ResponseTooLarge) {
      return status === undefined ? { failure: "too-large", error } : { failure: "too-large", error, status };
    }
    const { classified } = await loadFailures();
    return { failure: classified(error), error };
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  }
}
