export type { AuthOptions, SecurityLevel } from "@xsiam-sdk/auth";
export type { ApiKeysApi, CallOptions, GenerateOptions, SettleProgress } from "./api-keys.js";
export { type AuditFinding, type AuditKind, type AuditOptions, auditApiKeys } from "./audit.js";
export {
  createXsiamClient,
  createXsiamClientFromEnv,
  type XsiamClient,
  type XsiamClientOptions,
  type XsiamClientSettings,
  type XsiamConnection,
} from "./client.js";
export { type Clock, systemClock } from "./clock.js";
export { envFile, envLine } from "./env-file.js";
export {
  type Attempts,
  type GenerateOutcome,
  type OperationId,
  type RotateStep,
  type RotationState,
  XsiamAbortError,
  XsiamApiError,
  XsiamAuthError,
  XsiamError,
  XsiamGenerateError,
  XsiamNetworkError,
  XsiamRotateError,
  XsiamTimeoutError,
  XsiamTransportError,
  XsiamValidationError,
} from "./errors.js";
export { escapeText } from "./escape.js";
export type { components, operations, paths } from "./generated/openapi.js";
export { GeneratedApiKey } from "./generated-key.js";
export { MAX_RESPONSE_BYTES } from "./internal/body.js";
export type { ApiKeyInfo } from "./internal/key-list.js";
export type { FetchLike } from "./internal/send.js";
export type { ApiKeyFilter, GenerateApiKeyInput } from "./internal/validate.js";
export { createRateLimiter, type RateLimiter, type RateLimiterOptions } from "./rate-limiter.js";
export type { RequestEvent, ResponseEvent, RetryOptions, XsiamLogger } from "./reliability.js";
export type {
  HandOver,
  HandOverContext,
  HandOverReceipt,
  RotateEvent,
  RotateOptions,
  RotateResult,
  RotationExpiry,
} from "./rotation.js";
export { rotationExpiry } from "./rotation.js";
