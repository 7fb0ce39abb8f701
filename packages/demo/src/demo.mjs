#!/usr/bin/env node
// `pnpm demo`: generates an API key and deletes it, printing each step.
// With XSIAM_FQDN or XSIAM_BASE_URL set (plus XSIAM_API_KEY, XSIAM_API_KEY_ID, optionally
// XSIAM_SECURITY_LEVEL, XSIAM_CHILD_TENANT_ID and XSIAM_DEMO_ROLE) it talks to that tenant.
// Otherwise it starts a Prism mock of spec/openapi.yaml on a free port and uses it.
// Secrets are never printed in full: the key and signature not at all, a generated key as a prefix.
import { createXsiamClient, createXsiamClientFromEnv, XsiamApiError, XsiamError } from "@xsiam-sdk/client";
import { startPrism } from "@xsiam-sdk/test-support";

const say = (line = "") => process.stdout.write(`${line}\n`);
const masked = (secret) => `${secret.slice(0, 4)}… (${secret.length} characters)`;

/** Wraps fetch to print each request as it goes: method, path, signing headers, status, time. */
function narratingFetch() {
  return async (url, init) => {
    const started = performance.now();
    const { pathname } = new URL(url);
    const headers = new Headers(init.headers);
    const nonce = headers.get("x-xdr-nonce");
    const signing = nonce
      ? `signed with nonce ${nonce.slice(0, 8)}…, timestamp ${headers.get("x-xdr-timestamp")}`
      : "standard key, sent as is";
    const response = await fetch(url, init);
    say(
      `   POST ${pathname}: ${response.status} in ${Math.round(performance.now() - started)} ms (${signing})`,
    );
    return response;
  };
}

const live = Boolean(process.env.XSIAM_FQDN || process.env.XSIAM_BASE_URL);
let mock;
let exitCode = 0;
try {
  let xsiam;
  if (live) {
    xsiam = createXsiamClientFromEnv(process.env, { fetch: narratingFetch() });
    say(`xsiam-sdk demo against ${xsiam.baseUrl} (from the XSIAM_* variables)`);
  } else {
    say(
      "xsiam-sdk demo against a Prism mock of spec/openapi.yaml (set XSIAM_FQDN and friends for a real tenant)",
    );
    mock = await startPrism();
    say(`   mock listening on ${mock.url} (pid ${mock.pid})`);
    xsiam = createXsiamClient({
      baseUrl: mock.url,
      apiKey: "demo-key-the-mock-accepts-any-key",
      apiKeyId: 2841,
      securityLevel: "advanced",
      fetch: narratingFetch(),
    });
  }
  const role = process.env.XSIAM_DEMO_ROLE || "Viewer";
  const expiration = new Date(Date.now() + 24 * 60 * 60 * 1000);
  say();
  say(`1. Generate an API key: role "${role}", standard level, expires ${expiration.toISOString()}`);
  const generated = await xsiam.apiKeys.generate({
    roles: [role],
    securityLevel: "standard",
    expiration,
    comment: "xsiam-sdk demo (deleted right away)",
  });
  say(`   created key id ${generated.id}, key ${masked(generated.key)}; it is shown once, so store it now`);
  say();
  say(`2. Delete API key ${generated.id}`);
  const { updateCount } = await xsiam.apiKeys.delete([generated.id]);
  say(`   deleted ${updateCount} key(s)${live ? "" : " (the mock always answers with its example, 1)"}`);
} catch (error) {
  exitCode = 1;
  say();
  if (error instanceof XsiamError) {
    say(`   failed: ${error.name}: ${error.message}`);
    if (error instanceof XsiamApiError && error.body) say(`   body: ${error.body.slice(0, 200)}`);
  } else {
    say(`   failed: ${error instanceof Error ? error.message : String(error)}`);
  }
} finally {
  if (mock) {
    await mock.stop();
    say();
    say("Mock stopped.");
  }
}
process.exitCode = exitCode;
