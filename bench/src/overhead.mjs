// Measure 1: per-request overhead. Plain fetch with hand-built headers (the floor), bare
// openapi-fetch with the generated types, `xsiam.raw` with advanced auth, and
// `xsiam.apiKeys.generate`, against a keep-alive server in another process, at concurrency 1
// and 50. The client runs with all its machinery (advanced signing, timeout, retry policy,
// buffered bodies) and the rate limiter set to `false`.
import { fork } from "node:child_process";
import { once } from "node:events";
import { createXsiamClient } from "@xsiam-sdk/client";
import { build } from "esbuild";
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

/**
 * The client built from its sources with one internal module swapped for a variant: what the
 * client would cost if it were written the other way.
 */
async function clientWith(module, variant) {
  const source = (path) => new URL(`../../packages/${path}`, import.meta.url).pathname;
  // Inside bench/node_modules, so that its imports of auth and openapi-fetch resolve as the real client's do.
  const outfile = new URL(`../node_modules/.cache/xsiam-bench/client-${variant}.mjs`, import.meta.url)
    .pathname;
  await build({
    entryPoints: [source("client/src/index.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    external: ["@xsiam-sdk/auth", "openapi-fetch"],
    logLevel: "silent",
    plugins: [
      {
        name: "swap",
        setup(esbuild) {
          esbuild.onResolve({ filter: new RegExp(`/${module}\\.js$`) }, () => ({
            path: new URL(`./variants/${variant}.ts`, import.meta.url).pathname,
          }));
        },
      },
    ],
  });
  return import(outfile);
}

function variants(baseUrl, rewrapped) {
  const url = `${baseUrl}/public_api/v1/api_keys/generate`;
  const headers = { "content-type": "application/json", authorization: SIGNED, "x-xdr-auth-id": "2841" };
  /** @type {import("openapi-fetch").Client<import("@xsiam-sdk/client").paths>} */
  const bare = createClient({ baseUrl, headers: { authorization: SIGNED, "x-xdr-auth-id": "2841" } });
  const options = { baseUrl, apiKey: "k".repeat(64), apiKeyId: 2841, rateLimit: false };
  const xsiam = createXsiamClient(options);
  const rewrappedClient = rewrapped.createXsiamClient(options);
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
    {
      name: "the same, the body re-wrapped in a new Response (not shipped)",
      run: () =>
        rewrappedClient.apiKeys.generate({ roles: ["Viewer"], securityLevel: "standard", comment: "bench" }),
    },
  ];
}

const concurrently = (run, count) => () => Promise.all(Array.from({ length: count }, run));

export async function measureOverhead() {
  const server = await startServer();
  try {
    const list = variants(server.url, await clientWith("buffered-response", "rewrapped-response"));
    const single = await compare(list, { samples: 31, targetSampleMs: 60, warmup: 1_000 });
    const fifty = await compare(
      list.map((variant) => ({ ...variant, run: concurrently(variant.run, 50) })),
      { samples: 31, targetSampleMs: 120, warmup: 40, perOperation: 50 },
    );
    const versusBare = (stats) => ({
      raw: pairedRatio(stats[2], stats[1]),
      generate: pairedRatio(stats[3], stats[1]),
      rewrapped: pairedRatio(stats[4], stats[1]),
      rewrappedVersusShipped: pairedRatio(stats[4], stats[3]),
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
