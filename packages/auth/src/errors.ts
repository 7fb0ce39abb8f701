/**
 * Base class of every error the xsiam-sdk packages throw, so one `instanceof XsiamError`
 * catches them all. Messages never contain an API key, a signature or a generated key.
 */
export class XsiamError extends Error {
  override name: string = "XsiamError";
}

/** The auth option that was invalid. */
export type AuthOptionName =
  | "options"
  | "apiKey"
  | "apiKeyId"
  | "securityLevel"
  | "childTenantId"
  | "now"
  | "randomBytes";

/**
 * Invalid auth options, thrown when the middleware or signer is created (or by `now`/`randomBytes`
 * returning unusable values). The message names the option and never contains the key.
 *
 * @example
 * try { createAuthMiddleware({ apiKey: "", apiKeyId: 1 }) }
 * catch (error) { if (error instanceof XsiamAuthError) console.error(error.option) } // "apiKey"
 */
export class XsiamAuthError extends XsiamError {
  override name: "XsiamAuthError" = "XsiamAuthError" as const;
  /** Which option was wrong. */
  readonly option: AuthOptionName;
  /** What is wrong with it, e.g. `must not be empty or only whitespace`. */
  readonly problem: string;

  constructor(option: AuthOptionName, problem: string) {
    super(`@xsiam-sdk/auth: ${option} ${problem}`);
    this.option = option;
    this.problem = problem;
  }
}
