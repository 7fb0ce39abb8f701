export type { AuthOptions, SecurityLevel } from "@xsiam-sdk/auth";
export type { ApiKeysApi, CallOptions } from "./api-keys.js";
export {
  createXsiamClient,
  createXsiamClientFromEnv,
  type XsiamClient,
  type XsiamClientOptions,
  type XsiamClientSettings,
  type XsiamConnection,
} from "./client.js";
export {
  type OperationId,
  XsiamAbortError,
  XsiamApiError,
  XsiamAuthError,
  XsiamError,
  XsiamNetworkError,
  XsiamValidationError,
} from "./errors.js";
export type { components, operations, paths } from "./generated/openapi.js";
export { GeneratedApiKey } from "./generated-key.js";
export type { FetchLike } from "./internal/transport.js";
export type { GenerateApiKeyInput } from "./internal/validate.js";
