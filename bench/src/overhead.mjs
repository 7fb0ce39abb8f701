// Measure 1: per-request overhead. Plain fetch with hand-built headers (the floor), bare
// openapi-fetch with the generated types, `xsiam.raw` with advanced auth, and
// `xsiam.apiKeys.generate`, against a keep-alive server in another process, at concurrency 1
// and 50. The client runs with all its machinery (advanced signing, timeout, retry policy,
// buffered bodies) and the rate limiter set to `false`.
import { fork } from "node:child_process";
import { once } from "node:events";
import { createXsiamClient } from "@xsiam-sdk/client";
import createClient from "openapi-fetch";
import { compare, pairedRatio } from "./harness.mjs";

const SIGNED = "0".repeat(64);
const body = { request_data: { roles: ["Viewer"], security_level: "standard", comment: "bench" } };

async function startServer() {
  const server = fork(new URL("./reply-server.mjs", import.meta.url), [], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const [chunk] = await once(server.stdout, "data");
  return { url: `http://127.0.0.1:${Number(String(chunk))}`, stop: () => server.kill() };
}

function variants(baseUrl) {
  const url = `${baseUrl}/public_api/v1/api_keys/generate`;
  const headers = { "content-type": "application/json", authorization: SIGNED, "x-xdr-auth-id": "2841" };
  /** @type {import("openapi-fetch").Client<import("@xsiam-sdk/client").paths>} */
  const bare = createClient({ baseUrl, headers: { authorization: SIGNED, "x-xdr-auth-id": "2841" } });
  const xsiam = createXsiamClient({ baseUrl, apiKey: "k".repeat(64), apiKeyId: 2841, rateLimit: false });
  return [
    {
      name: "plain `fetch`, hand-built headers (floor)",
      run: () =>
        fetch(url, { method: "POST", headers, body: JSON.stringify(body) }).then((response) =>
          response.json(),
        ),
    },
    {
      name: "bare openapi-fetch, generated types",
      run: () => bare.POST("/public_api/v1/api_keys/generate", { body }),
    },
    {
      name: "`xsiam.raw`, advanced auth",
      run: () => xsiam.raw.POST("/public_api/v1/api_keys/generate", { body }),
    },
    {
      name: "`xsiam.apiKeys.generate`, advanced auth",
      run: () => xsiam.apiKeys.generate({ roles: ["Viewer"], securityLevel: "standard", comment: "bench" }),
    },
  ];
}

const concurrently = (run, count) => () => Promise.all(Array.from({ length: count }, run));

export async function measureOverhead() {
  const server = await startServer();
  try {
    const list = variants(server.url);
    const single = await compare(list, { samples: 31, targetSampleMs: 60, warmup: 1_000 });
    const fifty = await compare(
      list.map((variant) => ({ ...variant, run: concurrently(variant.run, 50) })),
      { samples: 31, targetSampleMs: 120, warmup: 40, perOperation: 50 },
    );
    const versusBare = (stats) => ({
      raw: pairedRatio(stats[2], stats[1]),
      generate: pairedRatio(stats[3], stats[1]),
    });
    return {
      concurrency1: { stats: single, versusBare: versusBare(single) },
      concurrency50: { stats: fifty, versusBare: versusBare(fifty) },
      target: { maxRatioToBare: 1.05 },
    };
  } finally {
    server.stop();
  }
}
