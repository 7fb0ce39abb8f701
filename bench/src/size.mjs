// Measure 3: bundle size. A consumer that imports createXsiamClient and makes one call, bundled
// as an app would be (esbuild with code splitting, minified, for browsers; each chunk
// brotli-compressed at the highest quality), next to a consumer of bare openapi-fetch. "Eager" is
// what loads with the entry; the rest (rotation) only when a dynamic import runs. "client + auth"
// leaves openapi-fetch out of the bundle: what this SDK adds on top of its peer. The measuring is
// test-support's consumerBundleSize, which the client's size test uses too.
import { fileURLToPath } from "node:url";
import { consumerBundleSize } from "@xsiam-sdk/test-support";
import { baselineClient } from "./overhead.mjs";

const CLIENT_CONSUMER = `import { createXsiamClient } from "@xsiam-sdk/client";
const xsiam = createXsiamClient({ fqdn: "mytenant.xdr.us.paloaltonetworks.com", apiKey: "k", apiKeyId: 1 });
await xsiam.apiKeys.delete([1]);`;
const BARE_CONSUMER = `import createClient from "openapi-fetch";
const client = createClient({ baseUrl: "https://api-mytenant.xdr.us.paloaltonetworks.com" });
await client.POST("/public_api/v1/api_keys/delete", { body: { request_data: { filters: [] } } });`;

const resolveDir = import.meta.dirname;

/** Which source modules the client + auth bytes come from: the same consumer, built from src/. */
async function sourceModules() {
  const source = (path) => new URL(`../../packages/${path}`, import.meta.url).pathname;
  const { modules } = await consumerBundleSize(CLIENT_CONSUMER, {
    resolveDir,
    external: ["openapi-fetch"],
    alias: {
      "@xsiam-sdk/client": source("client/src/index.ts"),
      "@xsiam-sdk/auth": source("auth/src/index.ts"),
      "#crypto": source("auth/src/internal/crypto-web.ts"),
    },
  });
  return modules;
}

export async function measureSize() {
  const [full, own, bare, modules] = await Promise.all([
    consumerBundleSize(CLIENT_CONSUMER, { resolveDir }),
    consumerBundleSize(CLIENT_CONSUMER, { resolveDir, external: ["openapi-fetch"] }),
    consumerBundleSize(BARE_CONSUMER, { resolveDir }),
    sourceModules(),
  ]);
  // The same consumer of the client before a change (XSIAM_BENCH_BASELINE), when there is one.
  const before = baselineClient();
  const clientBefore = before
    ? await consumerBundleSize(CLIENT_CONSUMER, {
        resolveDir,
        alias: { "@xsiam-sdk/client": fileURLToPath(before) },
      })
    : undefined;
  return {
    clientConsumer: full,
    ...(clientBefore ? { clientConsumerBefore: clientBefore } : {}),
    clientAndAuth: { ...own, modules },
    bareOpenapiFetch: bare,
    // The entry chunk of the client consumer, openapi-fetch included (what the issue set).
    target: { maxBrotliBytes: 13_000 },
  };
}
