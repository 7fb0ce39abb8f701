// The fault scenarios shared by faults.test.ts (outcomes, attempts) and secrets.test.ts (leaks).
import { createHash } from "node:crypto";
import { type Fault, type FaultServer, faults } from "@xsiam-sdk/test-support";
import { expect } from "vitest";
import {
  createXsiamClient,
  XsiamApiError,
  type XsiamClient,
  type XsiamClientSettings,
  XsiamNetworkError,
  XsiamTimeoutError,
} from "../src/index.js";

export const KEY = "faults-sEcReT-0b5d";
export const GENERATED_KEY = "gEnErAtEd-KeY-9f1c3a";
/** A key as the service mints them (64 letters and digits), for bodies that only quote it. */
export const MINTED_KEY = "mInTeD0kEy1sHoWn2oNcE3aNd4nEvEr5aGaIn6iN7aN8eRrOr9aT0aLl1xYz2q3W";
/** Where redirects point: another origin, with a path and query that an error must not show. */
export const ELSEWHERE = "http://127.0.0.1:9";
const elsewhere = `${ELSEWHERE}/collect/public_api?token=abc`;
const listed = {
  id: 121,
  creation_time: 1721149909250,
  expiration: null,
  created_by: "N/A",
  user_name: "Public API - 121",
  roles: ["Viewer"],
  security_level: "advanced",
  comment: null,
};
export const ok = {
  delete: faults.json(200, { reply: { update_count: 1 } }),
  generate: faults.json(200, { reply: { id: 77, key: GENERATED_KEY } }),
  list: faults.json(200, { reply: { DATA: [listed], FILTER_COUNT: 1, TOTAL_COUNT: 1 } }),
};

/**
 * A client of `server` tuned for tests: quick retries, a short timeout, no rate limit, and no
 * reconciliation of failed generates (these cases are about the transport; reconcile.test.ts
 * covers what a failed generate does next, against the fake tenant).
 */
export function faultClient(server: FaultServer, settings: Partial<XsiamClientSettings> = {}): XsiamClient {
  return createXsiamClient({
    baseUrl: server.url,
    apiKey: KEY,
    apiKeyId: 2841,
    retryBaseDelayMs: 5,
    timeoutMs: 300,
    rateLimit: false,
    reconcileGenerate: false,
    ...settings,
  } as Parameters<typeof createXsiamClient>[0]);
}

export const call = {
  delete: (xsiam: XsiamClient) => xsiam.apiKeys.delete([121]),
  generate: (xsiam: XsiamClient) => xsiam.apiKeys.generate({ roles: ["Viewer"] }),
  list: (xsiam: XsiamClient) => xsiam.apiKeys.list({ ids: [121] }),
};

/** Every request the server saw carried a valid advanced signature, each with its own nonce. */
export function expectFreshSignatures(server: FaultServer): void {
  const nonces = server.received.map((request) => request.headers["x-xdr-nonce"]);
  expect(new Set(nonces).size).toBe(nonces.length);
  for (const { headers } of server.received) {
    const expected = createHash("sha256")
      .update(`${KEY}${headers["x-xdr-nonce"]}${headers["x-xdr-timestamp"]}`)
      .digest("hex");
    expect(headers.authorization).toBe(expected);
  }
}

export type Case = {
  name: string;
  plan: Fault[];
  /** Requests the server must see. */
  attempts: number;
  outcome: { value: unknown } | { error: new (...args: never[]) => Error; fields?: Record<string, unknown> };
};

export const deleteCases: Case[] = [
  {
    name: "429 without Retry-After, then success",
    plan: [faults.status(429), ok.delete],
    attempts: 2,
    outcome: { value: { updateCount: 1 } },
  },
  {
    name: "429 three times",
    plan: [faults.status(429), faults.status(429), faults.status(429)],
    attempts: 3,
    outcome: { error: XsiamApiError, fields: { status: 429, attempts: 3, maxAttempts: 3 } },
  },
  {
    name: "429 with a Retry-After beyond maxRetryDelayMs",
    plan: [faults.status(429, "3600")],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 429, attempts: 1 } },
  },
  {
    name: "500 (not transient)",
    plan: [faults.status(500)],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 500, errMsg: "status 500", attempts: 1 } },
  },
  ...[502, 503, 504].map((status) => ({
    name: `${status}, then success`,
    plan: [faults.status(status), ok.delete],
    attempts: 2,
    outcome: { value: { updateCount: 1 } },
  })),
  {
    name: "503 three times",
    plan: [faults.status(503), faults.status(503), faults.status(503)],
    attempts: 3,
    outcome: { error: XsiamApiError, fields: { status: 503, attempts: 3 } },
  },
  {
    name: "an HTML 502 page each time",
    plan: [faults.html(502), faults.html(502), faults.html(502)],
    attempts: 3,
    outcome: {
      error: XsiamApiError,
      fields: { status: 502, errMsg: undefined, body: expect.stringContaining("<h1>502</h1>") },
    },
  },
  {
    name: "an empty 504, then success",
    plan: [faults.empty(504), ok.delete],
    attempts: 2,
    outcome: { value: { updateCount: 1 } },
  },
  {
    name: "a 401 envelope that repeats the request's headers",
    plan: [faults.echoHeaders(401, "envelope")],
    attempts: 1,
    outcome: {
      error: XsiamApiError,
      fields: {
        status: 401,
        errMsg: expect.stringContaining('"authorization":"[redacted]"'),
        errExtra: expect.objectContaining({ authorization: "[redacted]", "x-xdr-auth-id": "2841" }),
      },
    },
  },
  {
    name: "a 400 text page that repeats the request's headers",
    plan: [faults.echoHeaders(400, "text")],
    attempts: 1,
    outcome: {
      error: XsiamApiError,
      fields: { status: 400, body: expect.stringContaining('"authorization":"[redacted]"') },
    },
  },
  {
    name: "a 401 that repeats Authorization in its response headers",
    plan: [faults.echoInHeaders(faults.status(401))],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 401 } },
  },
  {
    name: "a 400 envelope that repeats Authorization JSON-escaped",
    plan: [faults.echoEscaped(400)],
    attempts: 1,
    outcome: {
      error: XsiamApiError,
      fields: {
        status: 400,
        errMsg: "rejected [redacted]",
        errExtra: { authorization: "[redacted]" },
      },
    },
  },
  {
    name: "a 307 to another origin: not followed",
    plan: [faults.redirect(307, elsewhere), ok.delete],
    attempts: 1,
    outcome: {
      error: XsiamApiError,
      fields: { status: 307, hint: expect.stringContaining(`pointed to ${ELSEWHERE};`) },
    },
  },
  {
    name: "a success that repeats Authorization in its response headers",
    plan: [faults.echoInHeaders(ok.delete)],
    attempts: 1,
    outcome: { value: { updateCount: 1 } },
  },
  {
    name: "truncated JSON with 200",
    plan: [faults.truncatedJson(200)],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 200, body: undefined } },
  },
  {
    name: "truncated JSON with 400",
    plan: [faults.truncatedJson(400)],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 400, body: '{"reply":{"id":42,"ke' } },
  },
  {
    name: "a wrong content-type on a valid reply",
    plan: [faults.wrongContentType({ reply: { update_count: 1 } })],
    attempts: 1,
    outcome: { value: { updateCount: 1 } },
  },
  {
    name: "a 5 MB body with Content-Length",
    plan: [faults.huge(5_000_000, true)],
    attempts: 1,
    outcome: {
      error: XsiamApiError,
      fields: {
        status: 200,
        message: expect.stringContaining("the body exceeds 1 MiB"),
      },
    },
  },
  {
    name: "a 5 MB chunked body",
    plan: [faults.huge(5_000_000, false)],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 200 } },
  },
  {
    name: "a response slower than the timeout, then success",
    plan: [faults.slow(2_000, ok.delete), ok.delete],
    attempts: 2,
    outcome: { value: { updateCount: 1 } },
  },
  {
    name: "three responses slower than the timeout",
    plan: [0, 1, 2].map(() => faults.slow(2_000, ok.delete)),
    attempts: 3,
    outcome: { error: XsiamTimeoutError, fields: { timeoutMs: 300, attempts: 3 } },
  },
  {
    name: "a connection closed mid-response, then success",
    plan: [faults.closeMidResponse(), ok.delete],
    attempts: 2,
    outcome: { value: { updateCount: 1 } },
  },
  {
    name: "a connection closed without an answer, three times",
    plan: [0, 1, 2].map(() => faults.hangUp()),
    attempts: 3,
    outcome: { error: XsiamNetworkError, fields: { attempts: 3 } },
  },
];

export const generateCases: Case[] = [
  {
    name: "429, then success (the service turned it away: safe to repeat)",
    plan: [faults.status(429), ok.generate],
    attempts: 2,
    outcome: { value: { id: 77 } },
  },
  ...[502, 503, 504].map((status) => ({
    name: `${status}: not repeated, a key may exist`,
    plan: [faults.status(status), ok.generate],
    attempts: 1,
    outcome: {
      error: XsiamApiError,
      fields: {
        status,
        attempts: 1,
        maxAttempts: 3,
        hint: expect.stringMatching(/A key may have been created/),
      },
    },
  })),
  {
    name: "an HTML 502 page: not repeated",
    plan: [faults.html(502), ok.generate],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 502, attempts: 1 } },
  },
  {
    name: "500: not repeated",
    plan: [faults.status(500), ok.generate],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 500, attempts: 1 } },
  },
  {
    name: "a response slower than the timeout: not repeated",
    plan: [faults.slow(2_000, ok.generate), ok.generate],
    attempts: 1,
    outcome: {
      error: XsiamTimeoutError,
      fields: { attempts: 1, message: expect.stringMatching(/not retried, as the service may have acted/) },
    },
  },
  {
    name: "a connection closed mid-response: not repeated",
    plan: [faults.closeMidResponse(), ok.generate],
    attempts: 1,
    outcome: {
      error: XsiamNetworkError,
      fields: { attempts: 1, message: expect.stringMatching(/not retried, as the service may have acted/) },
    },
  },
  {
    name: "a 403 envelope that repeats the request's headers",
    plan: [faults.echoHeaders(403, "envelope")],
    attempts: 1,
    outcome: {
      error: XsiamApiError,
      fields: { status: 403, errExtra: expect.objectContaining({ authorization: "[redacted]" }) },
    },
  },
  {
    name: "a truncated 200: not repeated, the body is not kept",
    plan: [faults.truncatedJson(200), ok.generate],
    attempts: 1,
    outcome: {
      error: XsiamApiError,
      fields: { status: 200, body: undefined, hint: expect.stringMatching(/A key may have been created/) },
    },
  },
  {
    name: "a 5 MB body: not repeated",
    plan: [faults.huge(5_000_000, true), ok.generate],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 200 } },
  },
  {
    name: "a 500 that carries the minted key in reply.key and err_msg",
    plan: [faults.mintedInError(500, GENERATED_KEY, "reply"), ok.generate],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 500, errExtra: { key: "[redacted]" } } },
  },
  {
    name: "a 502 that quotes a minted key in err_msg only",
    plan: [faults.mintedInError(502, MINTED_KEY, "message"), ok.generate],
    attempts: 1,
    outcome: {
      error: XsiamApiError,
      fields: { status: 502, errMsg: "key '[redacted]' was created, then the reply failed" },
    },
  },
  ...[301, 302, 303, 307, 308].map((status) => ({
    name: `a ${status} to another origin: not followed, nothing sent there`,
    plan: [faults.redirect(status, elsewhere), ok.generate],
    attempts: 1,
    outcome: {
      error: XsiamApiError,
      fields: { status, hint: expect.stringContaining(`pointed to ${ELSEWHERE}; nothing was sent there`) },
    },
  })),
  {
    name: "a 401 envelope that repeats Authorization JSON-escaped",
    plan: [faults.echoEscaped(401)],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 401, errExtra: { authorization: "[redacted]" } } },
  },
  {
    name: "a success that repeats Authorization in its response headers",
    plan: [faults.echoInHeaders(ok.generate)],
    attempts: 1,
    outcome: { value: { id: 77 } },
  },
  {
    name: "a wrong content-type on a valid reply",
    plan: [faults.wrongContentType({ reply: { id: 78, key: GENERATED_KEY } })],
    attempts: 1,
    outcome: { value: { id: 78 } },
  },
];

/** list only reads: retried like delete; the cases that differ from delete's, and the echoes. */
export const listCases: Case[] = [
  {
    name: "503, then success",
    plan: [faults.status(503), ok.list],
    attempts: 2,
    outcome: { value: [expect.objectContaining({ id: 121 })] },
  },
  {
    name: "a response slower than the timeout, then success",
    plan: [faults.slow(2_000, ok.list), ok.list],
    attempts: 2,
    outcome: { value: [expect.objectContaining({ id: 121 })] },
  },
  {
    name: "a 401 that repeats Authorization in its response headers",
    plan: [faults.echoInHeaders(faults.status(401))],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 401, operation: "getApiKeys" } },
  },
  {
    name: "a 400 envelope that repeats Authorization JSON-escaped",
    plan: [faults.echoEscaped(400)],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 400, errExtra: { authorization: "[redacted]" } } },
  },
  {
    name: "a 403 envelope that repeats the request's headers",
    plan: [faults.echoHeaders(403, "envelope")],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 403 } },
  },
  {
    name: "a 308 to another origin: not followed",
    plan: [faults.redirect(308, elsewhere), ok.list],
    attempts: 1,
    outcome: {
      error: XsiamApiError,
      fields: { status: 308, hint: expect.stringContaining(`pointed to ${ELSEWHERE};`) },
    },
  },
  {
    name: "a 5 MB body",
    plan: [faults.huge(5_000_000, false)],
    attempts: 1,
    outcome: { error: XsiamApiError, fields: { status: 200 } },
  },
  {
    name: "a success that repeats Authorization in its response headers",
    plan: [faults.echoInHeaders(ok.list)],
    attempts: 1,
    outcome: { value: [expect.objectContaining({ id: 121 })] },
  },
];
