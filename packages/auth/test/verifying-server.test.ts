// A server written here that checks advanced signatures the way the service does: it recomputes
// the hash, enforces a 5-minute clock window and refuses a nonce it has seen before.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type AuthOptions, createAuthMiddleware, signRequest } from "../src/index.js";
import { type ApiKeyPaths, deleteBody } from "./api-paths.js";

const KEYS = new Map([["2841", "verifying-server-key"]]);
const WINDOW_MS = 5 * 60_000;
const seenNonces = new Set<string>();
const rejections: string[] = [];

function verify(request: IncomingMessage): string | undefined {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === "string" ? value : undefined;
  };
  const key = KEYS.get(header("x-xdr-auth-id") ?? "");
  const nonce = header("x-xdr-nonce") ?? "";
  const timestamp = header("x-xdr-timestamp") ?? "";
  if (key === undefined) return "unknown key id";
  if (!/^[A-Za-z0-9]{64}$/.test(nonce)) return "malformed nonce";
  if (!/^\d{13}$/.test(timestamp)) return "malformed timestamp";
  if (Math.abs(Date.now() - Number(timestamp)) > WINDOW_MS) return "timestamp outside the window";
  const expected = createHash("sha256")
    .update(key + nonce + timestamp, "utf8")
    .digest("hex");
  if (header("authorization") !== expected) return "bad signature";
  if (seenNonces.has(nonce)) return "replayed nonce";
  seenNonces.add(nonce);
  return undefined;
}

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    const problem = verify(request);
    if (problem) rejections.push(problem);
    response.writeHead(problem ? 401 : 200, { "content-type": "application/json" });
    response.end(
      JSON.stringify(
        problem
          ? { reply: { err_code: 401, err_msg: "Public API request unauthorized", err_extra: null } }
          : { reply: { update_count: 1 } },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(options: AuthOptions) {
  const sent: Headers[] = [];
  const api = createClient<ApiKeyPaths>({
    baseUrl,
    fetch: (request: Request) => {
      sent.push(new Headers(request.headers));
      return fetch(request);
    },
  });
  api.use(createAuthMiddleware(options));
  return { api, sent };
}

describe("advanced keys against a verifying server", () => {
  test("1,000 signed requests are all accepted", async () => {
    const { api } = client({ apiKey: "verifying-server-key", apiKeyId: 2841 });
    const before = seenNonces.size;
    const statuses: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => api.POST("/public_api/v1/api_keys/delete", { body: deleteBody })),
      );
      statuses.push(...results.map((result) => result.response.status));
    }
    expect(statuses).toHaveLength(1_000);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(seenNonces.size - before).toBe(1_000);
  }, 60_000);

  test("a replayed request is rejected", async () => {
    const { api, sent } = client({ apiKey: "verifying-server-key", apiKeyId: 2841 });
    const first = await api.POST("/public_api/v1/api_keys/delete", { body: deleteBody });
    expect(first.response.status).toBe(200);
    const captured = sent[0];
    if (!captured) throw new Error("the first request was not recorded");
    const replay = await fetch(`${baseUrl}/public_api/v1/api_keys/delete`, {
      method: "POST",
      headers: captured,
      body: JSON.stringify(deleteBody),
    });
    expect(replay.status).toBe(401);
    expect(rejections.at(-1)).toBe("replayed nonce");
  });

  test("a wrong key is rejected", async () => {
    const { api } = client({ apiKey: "not-the-right-key", apiKeyId: 2841 });
    const { response } = await api.POST("/public_api/v1/api_keys/delete", { body: deleteBody });
    expect(response.status).toBe(401);
    expect(rejections.at(-1)).toBe("bad signature");
  });

  test("a clock six minutes behind is rejected, four minutes behind is accepted", async () => {
    const late = client({
      apiKey: "verifying-server-key",
      apiKeyId: 2841,
      now: () => Date.now() - 6 * 60_000,
    });
    expect(
      (await late.api.POST("/public_api/v1/api_keys/delete", { body: deleteBody })).response.status,
    ).toBe(401);
    expect(rejections.at(-1)).toBe("timestamp outside the window");
    const skewed = client({
      apiKey: "verifying-server-key",
      apiKeyId: 2841,
      now: () => Date.now() - 4 * 60_000,
    });
    expect(
      (await skewed.api.POST("/public_api/v1/api_keys/delete", { body: deleteBody })).response.status,
    ).toBe(200);
  });

  test("headers from signRequest work with plain fetch", async () => {
    const headers = await signRequest({ apiKey: "verifying-server-key", apiKeyId: "2841" });
    const response = await fetch(`${baseUrl}/public_api/v1/api_keys/delete`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(deleteBody),
    });
    expect(response.status).toBe(200);
  });
});
