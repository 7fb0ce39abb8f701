import { XsiamNetworkError } from "../errors.js";

/**
 * The error factory (failures.ts), loaded on the first failure. When it cannot load (a browser gone
 * offline, a site redeployed under new chunk names), the call still ends in an `XsiamError`: a
 * network error that says so, taken as sent, since the attempt's fate is unknown.
 */
export const loadFailures = (): Promise<typeof import("./failures.js")> =>
  import("./failures.js").catch((cause: unknown) => {
    throw new XsiamNetworkError("the call failed; its failure handling did not load", {
      cause,
      attempts: 1,
      maxAttempts: 1,
      requestSent: true,
    });
  });
