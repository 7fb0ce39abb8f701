// Measure 8: what a generate costs when its request may still mint its key (a timeout, a 5xx from
// a gateway), against the simulated tenant (@xsiam-sdk/testing) in this process, on the real clock.
// - the case: the tenant mints 1.5 s after the request arrives and answers 1.5 s after
//   that; the client times out after 1 s. Three generates, one after another.
// - a request that never mints (a 503 from a gateway whose backend dropped it): the client waits
//   out its window (shortened to 20 s here; the schedule of checks is the same for 180 s) before
//   it retries.
// Each case gives the time until the call returned, the generate and list requests it sent, and
// the keys nobody holds once the tenant has finished (orphans).
import { createXsiamClient } from "@xsiam-sdk/client";
import { createFakeTenant } from "@xsiam-sdk/testing";

const input = { roles: ["Viewer"], comment: "bench" };

async function withTenant(settings, fault, calls) {
  // Counted as the client sends them (a request the client gave up on may be answered, or not, later).
  const requests = { generate: 0, list: 0, delete: 0 };
  const operation = { generate: "generate", get_api_keys: "list", delete: "delete" };
  const tenant = await createFakeTenant();
  try {
    const xsiam = createXsiamClient({
      baseUrl: tenant.baseUrl,
      apiKey: tenant.rootKey.key,
      apiKeyId: tenant.rootKey.id,
      onRequest: ({ url }) => {
        const name = operation[new URL(url).pathname.split("/").at(-1)];
        if (name) requests[name]++;
      },
      ...settings,
    });
    const held = [];
    const seconds = [];
    for (let call = 0; call < calls; call++) {
      tenant.faults.inject("generate", fault);
      const started = performance.now();
      held.push(await xsiam.apiKeys.generate(input));
      seconds.push((performance.now() - started) / 1000);
    }
    await tenant.idle();
    const holders = new Set([tenant.rootKey.id, ...held.map((key) => key.id)]);
    const orphans = tenant.keys().filter((key) => !holders.has(key.id)).length;
    return { calls, seconds, requests, orphans };
  } finally {
    await tenant.close();
  }
}

export async function measureSettle() {
  const actLater = await withTenant(
    { timeoutMs: 1_000 },
    { kind: "act-later", afterMs: 1_500, answerMs: 3_000 },
    3,
  );
  const neverMints = await withTenant({ settleMs: 20_000 }, { kind: "refuse", status: 503 }, 1);
  const actLaterBefore = await withTenant(
    { timeoutMs: 1_000, settleMs: 0 },
    { kind: "act-later", afterMs: 1_500, answerMs: 3_000 },
    3,
  );
  return { actLater, actLaterBefore, neverMints };
}
