/** A refusal or failure of the server's own (never the service's words), with what to do about it. */
export class ToolError extends Error {
  override name = "ToolError";
  readonly hint: string | undefined;
  /** Fields for the model beside the message: the keys it would delete, what a step left. */
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super(message);
    this.hint = hint;
    this.details = details;
  }
}
