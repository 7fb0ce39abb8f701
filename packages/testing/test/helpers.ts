import { createHash, randomBytes } from "node:crypto";
import { createXsiamClient, type XsiamClient, type XsiamClientSettings } from "@xsiam-sdk/client";
import type { FakeTenant, UsableKey } from "../src/index.js";

/** A client of `tenant` that authenticates with `key` (the root key unless given). */
export function clientOf(
  tenant: FakeTenant,
  key: UsableKey = tenant.rootKey,
  settings: Partial<XsiamClientSettings> = {},
): XsiamClient {
  return createXsiamClient({
    baseUrl: tenant.baseUrl,
    apiKey: key.key,
    apiKeyId: key.id,
    securityLevel: key.securityLevel,
    retryBaseDelayMs: 10,
    ...settings,
  });
}

/** Headers that sign one request with an advanced key, built by hand (for replays and skew). */
export function signed(key: UsableKey, timestamp = Date.now(), nonce = randomBytes(32).toString("hex")) {
  const authorization = createHash("sha256").update(`${key.key}${nonce}${timestamp}`).digest("hex");
  return {
    authorization,
    "x-xdr-auth-id": String(key.id),
    "x-xdr-nonce": nonce,
    "x-xdr-timestamp": String(timestamp),
    "content-type": "application/json",
  };
}

/** POSTs `body` to one of the tenant's paths with `headers`; resolves to the status and the parsed body. */
export async function post(
  tenant: FakeTenant,
  path: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${tenant.baseUrl}/public_api/v1/api_keys/${path}`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

export const UNAUTHORIZED = {
  reply: { err_code: 401, err_msg: "Public API request unauthorized", err_extra: null },
};
