// The size budget, enforced: a consumer that imports createXsiamClient and makes one generate,
// bundled from the built package as an app would be (esbuild with code splitting, minified, each
// chunk brotli-compressed), must load at most size-budget.json's bytes with its entry. What runs
// only after a failure (error wording, reconciliation), only with a logger or hooks, and rotation
// sit behind dynamic imports: they are measured and reported, but not loaded up front.
// `pnpm bench` reports the same figures next to bare openapi-fetch.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { consumerBundleSize } from "@xsiam-sdk/test-support";
import { expect, test } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const budget = JSON.parse(readFileSync(new URL("../size-budget.json", import.meta.url), "utf8")) as {
  clientAndAuthEagerBrotliBytes: number;
  withOpenapiFetchEagerBrotliBytes: number;
};
const CONSUMER = `import { createXsiamClient } from "@xsiam-sdk/client";
const xsiam = createXsiamClient({ fqdn: "mytenant.xdr.us.paloaltonetworks.com", apiKey: "k", apiKeyId: 1 });
const { id, key } = await xsiam.apiKeys.generate({ roles: ["Viewer"] });
console.log(id, key.length);`;

test("the bundle of a createXsiamClient consumer is within the size budget, rotation loaded lazily", async () => {
  // Resolved as a consumer would: @xsiam-sdk/client is this package (its node_modules link itself in
  // through the test-support package's workspace dependency tree), openapi-fetch its dependency.
  const own = await consumerBundleSize(CONSUMER, {
    resolveDir: packageDir,
    external: ["openapi-fetch"],
    alias: { "@xsiam-sdk/client": `${packageDir}dist/index.js` },
  });
  const whole = await consumerBundleSize(CONSUMER, {
    resolveDir: packageDir,
    alias: { "@xsiam-sdk/client": `${packageDir}dist/index.js` },
  });
  console.log(
    `size: client + auth ${own.eager.brotli} B eager (budget ${budget.clientAndAuthEagerBrotliBytes}), ${own.total.brotli} B with the lazy chunks; with openapi-fetch ${whole.eager.brotli} B eager (budget ${budget.withOpenapiFetchEagerBrotliBytes})`,
  );
  expect(own.eager.brotli).toBeLessThanOrEqual(budget.clientAndAuthEagerBrotliBytes);
  expect(whole.eager.brotli).toBeLessThanOrEqual(budget.withOpenapiFetchEagerBrotliBytes);
  // An app's bundler has nothing to warn about (bare imports of chunks in a package whose
  // sideEffects is false would each print "ignored-bare-import").
  expect(whole.warnings).toEqual([]);
  // The lazy chunk is real: rotation is not in what loads up front.
  expect(own.total.brotli - own.eager.brotli).toBeGreaterThan(1_000);
  for (const lazy of ["rotate", "failures", "reconcile", "observe", "headers"]) {
    expect(
      Object.keys(own.modules).some((path) => new RegExp(`/${lazy}-[A-Z0-9]+\\.js$`).test(path)),
      lazy,
    ).toBe(false);
  }
}, 60_000);
