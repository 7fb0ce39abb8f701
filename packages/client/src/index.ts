/**
 * Types generated from the OpenAPI spec of the Cortex XSIAM api_keys endpoints.
 * `paths` is what an openapi-fetch client of this API is typed with.
 */
export type { components, operations, paths } from "./generated/openapi.js";
