import { inspect } from "node:util";
import { expect } from "vitest";

/** A fetch that records every request it is given, then sends it with the global fetch. */
export function recordingFetch(): {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  requests: Request[];
} {
  const requests: Request[] = [];
  return {
    requests,
    fetch: (input, init) => {
      requests.push(new Request(input, { ...init, signal: null }));
      return fetch(input, init);
    },
  };
}

/** Every form in which an error can end up printed, logged or serialised. */
export function printedForms(error: unknown): string[] {
  const value = error as Error;
  return [
    String(error),
    value?.message ?? "",
    value?.stack ?? "",
    JSON.stringify(error) ?? "",
    inspect(error, { depth: Number.POSITIVE_INFINITY }),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ];
}

/** Asserts that none of `secrets` appears in any printed form of `error`. */
export function expectNoSecrets(error: unknown, secrets: readonly string[]): void {
  for (const form of printedForms(error)) {
    for (const secret of secrets) expect(form).not.toContain(secret);
  }
}

/** Awaits `promise`, expecting it to reject, and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}
