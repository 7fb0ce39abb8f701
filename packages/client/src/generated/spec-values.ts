// Generated from spec/openapi.yaml by scripts/generate.mjs: never edit by hand (`pnpm generate`).
// The values the client checks and sends at run time, so that a spec edit reaches them.

/** Every operation of the spec: its path and method. */
export const OPERATIONS = {
  "generateApiKey": {
    "path": "/public_api/v1/api_keys/generate",
    "method": "POST"
  },
  "getApiKeys": {
    "path": "/public_api/v1/api_keys/get_api_keys",
    "method": "POST"
  },
  "deleteApiKeys": {
    "path": "/public_api/v1/api_keys/delete",
    "method": "POST"
  }
} as const;

/** The spec's operation ids. */
export type OperationId = keyof typeof OPERATIONS;

/** The security levels a key can have (`SecurityLevel`). */
export const SECURITY_LEVELS = [
  "advanced",
  "standard"
] as const;

/** The fields a list filter can test, each with its operators (`ApiKeyFilter`). */
export const FILTER_OPERATORS = {
  "expiration": [
    "gte",
    "lte"
  ],
  "roles": [
    "contains"
  ],
  "id": [
    "in"
  ]
} as const;
