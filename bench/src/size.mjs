// Measure 3: bundle size. A consumer that imports createXsiamClient and makes one call, bundled
// with esbuild (minified, for browsers), then brotli-compressed at the highest quality; next to a
// consumer of bare openapi-fetch. "client + auth" is the client consumer with openapi-fetch left
// out of the bundle: what this SDK adds on top of its peer.
import { brotliCompressSync, constants } from "node:zlib";
import { build } from "esbuild";

const CLIENT_CONSUMER = `import { createXsiamClient } from "@xsiam-sdk/client";
const xsiam = createXsiamClient({ fqdn: "mytenant.xdr.us.paloaltonetworks.com", apiKey: "k", apiKeyId: 1 });
await xsiam.apiKeys.delete([1]);`;
const BARE_CONSUMER = `import createClient from "openapi-fetch";
const client = createClient({ baseUrl: "https://api-mytenant.xdr.us.paloaltonetworks.com" });
await client.POST("/public_api/v1/api_keys/delete", { body: { request_data: { filters: [] } } });`;

async function sizeOf(contents, external = [], alias = undefined) {
  const result = await build({
    stdin: { contents, resolveDir: import.meta.dirname, loader: "js" },
    ...(alias && { alias }),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    external,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
  return {
    minified: code.byteLength,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).byteLength,
    modules: Object.fromEntries(
      Object.entries(inputs)
        .map(([path, { bytesInOutput }]) => [
          path.replace(/^.*?(packages|node_modules)\//, ""),
          bytesInOutput,
        ])
        .filter(([, bytes]) => bytes > 0)
        .sort((a, b) => b[1] - a[1]),
    ),
  };
}

/** Which source modules the client + auth bytes come from: the same consumer, built from src/. */
async function sourceModules() {
  const source = (path) => new URL(`../../packages/${path}`, import.meta.url).pathname;
  const { modules } = await sizeOf(CLIENT_CONSUMER, ["openapi-fetch"], {
    "@xsiam-sdk/client": source("client/src/index.ts"),
    "@xsiam-sdk/auth": source("auth/src/index.ts"),
    "#crypto": source("auth/src/internal/crypto-web.ts"),
  });
  return modules;
}

export async function measureSize() {
  const [full, own, bare, modules] = await Promise.all([
    sizeOf(CLIENT_CONSUMER),
    sizeOf(CLIENT_CONSUMER, ["openapi-fetch"]),
    sizeOf(BARE_CONSUMER),
    sourceModules(),
  ]);
  return {
    clientConsumer: full,
    clientAndAuth: { ...own, modules },
    bareOpenapiFetch: bare,
    target: { maxBrotliBytes: 4_000 },
  };
}
