// One run of measure 1, in a process of its own (a fresh JIT and heap per run): against the reply
// server at argv[2], ROUNDS paired rounds of CALLS sequential calls of each variant, the order of
// the variants rotated from round to round. Prints, as JSON, each variant's time per call in each
// round (ns). The client before a change (argv[3], its dist/index.js) is measured too when given.
import createClient from "openapi-fetch";

const [baseUrl, baselineEntry] = process.argv.slice(2);
const ROUNDS = 11;
const CALLS = 600;
const SIGNED = "0".repeat(64);
const body = { request_data: { roles: ["Viewer"], security_level: "standard", comment: "bench" } };
const input = { roles: ["Viewer"], securityLevel: "standard", comment: "bench" };
// Advanced signing (the default level), the timeout and retry policy on, no rate limit.
const options = { baseUrl, apiKey: "k".repeat(64), apiKeyId: 2841, rateLimit: false };

/** @type {import("openapi-fetch").Client<import("@xsiam-sdk/client").paths>} */
const bare = createClient({ baseUrl, headers: { authorization: SIGNED, "x-xdr-auth-id": "2841" } });
const { createXsiamClient } = await import("@xsiam-sdk/client");
const xsiam = createXsiamClient(options);
const variants = [
  {
    name: "bare openapi-fetch, static auth headers",
    run: () => bare.POST("/public_api/v1/api_keys/generate", { body }),
  },
  { name: "`xsiam.apiKeys.generate`, advanced signing", run: () => xsiam.apiKeys.generate(input) },
  {
    name: "`xsiam.raw`, advanced signing",
    run: () => xsiam.raw.POST("/public_api/v1/api_keys/generate", { body }),
  },
];
if (baselineEntry) {
  const before = (await import(baselineEntry)).createXsiamClient(options);
  variants.push({ name: "`apiKeys.generate` before the change", run: () => before.apiKeys.generate(input) });
}

async function perCall(run) {
  const start = process.hrtime.bigint();
  for (let call = 0; call < CALLS; call++) {
    const { error } = (await run()) ?? {};
    if (error) throw new Error("the reply server refused a call");
  }
  return Number(process.hrtime.bigint() - start) / CALLS;
}

for (const variant of variants) await perCall(variant.run);
const times = variants.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < variants.length; k++) {
    const index = (round + k) % variants.length;
    times[index].push(await perCall(variants[index].run));
  }
}
process.stdout.write(
  JSON.stringify(variants.map((variant, index) => ({ name: variant.name, times: times[index] }))),
);
