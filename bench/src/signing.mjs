// Measure 2: the cost of advanced signing per request, on the node:crypto path and on the
// WebCrypto path, against one SHA-256 of the same bytes in node:crypto (the floor).
import { hash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createAuthMiddleware, createSigner, signRequest } from "@xsiam-sdk/auth";
import { build } from "esbuild";
import { compare } from "./harness.mjs";

// A key as long as real ones (64 characters): key + nonce + timestamp is 141 bytes.
const options = { apiKey: "k".repeat(64), apiKeyId: 2841 };
const signedBytes = `${options.apiKey}${"A".repeat(64)}1700000000000`;

/** The package as a browser or edge worker gets it: bundled with WebCrypto, no node:crypto. */
async function webBuild() {
  const outfile = join(mkdtempSync(join(tmpdir(), "xsiam-bench-")), "auth-web.mjs");
  await build({
    stdin: { contents: 'export * from "@xsiam-sdk/auth";', resolveDir: import.meta.dirname, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    outfile,
    logLevel: "silent",
  });
  return import(pathToFileURL(outfile).href);
}

export async function measureSigning() {
  const web = await webBuild();
  const signer = createSigner(options);
  const webSigner = web.createSigner(options);
  const middleware = createAuthMiddleware(options);
  const headers = new Headers();
  const stats = await compare([
    {
      name: "floor: one SHA-256 of the 141 signed bytes (node:crypto `hash`)",
      run: () => hash("sha256", signedBytes, "hex"),
    },
    { name: "per-request signing, node:crypto path: `signer.sign()`", run: () => signer.sign() },
    { name: "one-shot `await signRequest()` (validates options too)", run: () => signRequest(options) },
    {
      name: "middleware `signHeaders()`: signing + 4 `Headers.set`",
      run: () => middleware.signHeaders(headers),
    },
    { name: "per-request signing, WebCrypto path: `await signer.sign()`", run: () => webSigner.sign() },
  ]);
  return { stats, target: { variant: 1, maxRatio: 3 } };
}
