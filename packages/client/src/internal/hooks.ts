/**
 * Calls a caller's hook with `event`. A hook may be async: its rejection is caught here, since an
 * unhandled one would end a Node process. A synchronous throw reaches the caller of `callHook`,
 * which decides what it means (onSend's ends the call before its request; progress hooks ignore it).
 */
export function callHook<T>(hook: ((event: T) => unknown) | undefined, event: T): void {
  const returned = hook?.(event);
  // Any thenable: a promise of another realm (vm, an iframe) is no `instanceof Promise` here.
  if (typeof (returned as { then?: unknown } | undefined)?.then === "function") {
    Promise.resolve(returned).catch(() => undefined);
  }
}
