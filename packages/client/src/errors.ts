import { XsiamError } from "@xsiam-sdk/auth";

export { XsiamAuthError, XsiamError } from "@xsiam-sdk/auth";

/** The operations of this API, as named in the spec. */
export type OperationId = "generateApiKey" | "deleteApiKeys";

/**
 * The service answered with an error status (or with a success status and a body that is not
 * the documented reply). Carries what the service said, parsed from any of its error envelopes,
 * and a `hint` on what to check.
 *
 * @example
 * catch (error) {
 *   if (error instanceof XsiamApiError && error.status === 401) console.error(error.hint);
 * }
 */
export class XsiamApiError extends XsiamError {
  override name: "XsiamApiError" = "XsiamApiError" as const;
  /** HTTP status of the response. */
  readonly status: number;
  /** The operation that failed. */
  readonly operation: OperationId;
  /** `err_code` from the body: usually the status as an integer, sometimes a string. */
  readonly errCode: number | string | undefined;
  /** `err_msg` from the body. */
  readonly errMsg: string | undefined;
  /** `err_extra` from the body: details of any shape, or `null`. */
  readonly errExtra: unknown;
  /**
   * The raw body when it was not a JSON error envelope (an HTML page from a proxy, truncated
   * JSON, …), cut to 2,000 characters. Never set for a success status, whose body may hold a key.
   */
  readonly body: string | undefined;
  /** What to check for this kind of failure, when there is something useful to say. */
  readonly hint: string | undefined;

  constructor(details: {
    status: number;
    operation: OperationId;
    errCode?: number | string | undefined;
    errMsg?: string | undefined;
    errExtra?: unknown;
    body?: string | undefined;
    hint?: string | undefined;
    problem?: string | undefined;
  }) {
    const said = details.errMsg ?? details.problem ?? "no error message in the response";
    super(
      `${details.operation} failed with HTTP ${details.status}: ${said}${details.hint ? `. ${details.hint}` : ""}`,
    );
    this.status = details.status;
    this.operation = details.operation;
    this.errCode = details.errCode;
    this.errMsg = details.errMsg;
    this.errExtra = details.errExtra;
    this.body = details.body;
    this.hint = details.hint;
  }
}

/**
 * Input that was rejected before any request was sent: `field` names it, `reason` says why.
 * Values are never echoed, since a key may be pasted into the wrong field.
 */
export class XsiamValidationError extends XsiamError {
  override name: "XsiamValidationError" = "XsiamValidationError" as const;
  /** The option, input field or environment variable that was wrong, e.g. `roles[1]`. */
  readonly field: string;
  /** Why it was rejected. */
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`@xsiam-sdk/client: ${field} ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

/** The request could not be sent or its response not received (DNS, refused connection, reset…). */
export class XsiamNetworkError extends XsiamError {
  override name: "XsiamNetworkError" = "XsiamNetworkError" as const;

  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

/** The caller's `signal` aborted the request. `cause` is the signal's reason. */
export class XsiamAbortError extends XsiamError {
  override name: "XsiamAbortError" = "XsiamAbortError" as const;

  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}
