// Just enough of the api_keys paths for openapi-fetch in these tests. @xsiam-sdk/client owns the
// generated types, and it depends on this package, so it cannot be imported here.
type Json<T> = { content: { "application/json": T } };
type ErrorBody = Json<{ reply: { err_code: number | string; err_msg: string; err_extra?: unknown } }>;
type HeaderParams = { "x-xdr-nonce"?: string; "x-xdr-timestamp"?: string; "x-child-tenant-id"?: string };

export interface ApiKeyPaths {
  "/public_api/v1/api_keys/generate": {
    post: {
      parameters: { header?: HeaderParams };
      requestBody: Json<{ request_data: { roles: string[]; security_level?: "standard" | "advanced" } }>;
      responses: { 200: Json<{ reply: { id: number; key: string } }>; 401: ErrorBody };
    };
  };
  "/public_api/v1/api_keys/delete": {
    post: {
      parameters: { header?: HeaderParams };
      requestBody: Json<{
        request_data: { filters: Array<{ field: "id"; operator: "in"; value: number[] }> };
      }>;
      responses: { 200: Json<{ reply: { update_count: number } }>; 401: ErrorBody };
    };
  };
}

export const deleteBody = {
  request_data: { filters: [{ field: "id" as const, operator: "in" as const, value: [121] }] },
};
