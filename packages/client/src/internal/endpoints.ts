import { OPERATIONS, type OperationId } from "../generated/spec-values.js";

/** One endpoint of the API, and what the transport must know about it. */
export interface Endpoint {
  readonly path: string;
  readonly operation: OperationId;
  /** Whether repeating the request is harmless: a repeated generate can mint a second key. */
  readonly idempotent: boolean;
  /** Whether a reply can carry a new key, which must then never reach an error. */
  readonly mintsKeys: boolean;
}

const endpoint = (operation: OperationId, idempotent: boolean, mintsKeys = false): Endpoint => ({
  path: OPERATIONS[operation].path,
  operation,
  idempotent,
  mintsKeys,
});

export const GENERATE: Endpoint = endpoint("generateApiKey", false, true);
export const DELETE: Endpoint = endpoint("deleteApiKeys", true);
export const LIST: Endpoint = endpoint("getApiKeys", true);

const ENDPOINTS: readonly Endpoint[] = [GENERATE, DELETE, LIST];

/** The endpoint a request URL's path ends with (a base URL may add a prefix), if it is one of the API's. */
export function endpointOf(url: string): Endpoint | undefined {
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  return ENDPOINTS.find((candidate) => path.endsWith(candidate.path));
}
