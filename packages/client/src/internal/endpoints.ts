import type { OperationId } from "../errors.js";

/** One endpoint of the API, and what the transport must know about it. */
export interface Endpoint {
  readonly path: string;
  readonly operation: OperationId;
  /** Whether repeating the request is harmless: a repeated generate can mint a second key. */
  readonly idempotent: boolean;
  /** Whether a reply can carry a new key, which must then never reach an error. */
  readonly mintsKeys: boolean;
}

export const GENERATE: Endpoint = {
  path: "/public_api/v1/api_keys/generate",
  operation: "generateApiKey",
  idempotent: false,
  mintsKeys: true,
};
export const DELETE: Endpoint = {
  path: "/public_api/v1/api_keys/delete",
  operation: "deleteApiKeys",
  idempotent: true,
  mintsKeys: false,
};

export const LIST: Endpoint = {
  path: "/public_api/v1/api_keys/get_api_keys",
  operation: "getApiKeys",
  idempotent: true,
  mintsKeys: false,
};

const ENDPOINTS: readonly Endpoint[] = [GENERATE, DELETE, LIST];

/** The endpoint a request path ends with (a base URL may add a prefix), if it is one of the API's. */
export function endpointOf(pathname: string): Endpoint | undefined {
  return ENDPOINTS.find(({ path }) => pathname.endsWith(path));
}
