// No secret leaves: for every fault path (both key levels) and every invalid option, input and
// environment variable, the API key, each signed Authorization value and any generated key are
// absent from every printed form of the error and from everything the logger and hooks received.
import { inspect } from "node:util";
import { type FaultServer, getFreePort, startFaultServer } from "@xsiam-sdk/test-support";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  createXsiamClient,
  createXsiamClientFromEnv,
  type GenerateApiKeyInput,
  type XsiamClientOptions,
  XsiamError,
} from "../src/index.js";
import {
  call,
  deleteCases,
  faultClient,
  GENERATED_KEY,
  generateCases,
  KEY,
  listCases,
  MINTED_KEY,
} from "./fault-cases.js";
import { printedForms } from "./helpers.js";

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());

const errors: Array<{ scenario: string; error: unknown }> = [];
const observed: unknown[] = [];
const signatures = new Set<string>();
const counts = { faultRuns: 0, invalidOptions: 0, invalidInputs: 0, envCases: 0, leaks: 0 };

afterAll(() => {
  console.log(`secret-leak test: ${JSON.stringify(counts)}`);
});

function capture(scenario: string, error: unknown): void {
  errors.push({ scenario, error });
}

const recording = {
  logger: {
    debug: (message: string, details?: unknown) => observed.push(message, details),
    warn: (message: string, details?: unknown) => observed.push(message, details),
  },
  onRequest: (event: unknown) => observed.push(event),
  onResponse: (event: unknown) => observed.push(event),
};

test("every fault, with advanced and standard keys", async () => {
  for (const securityLevel of ["advanced", "standard"] as const) {
    for (const [operation, cases] of [
      ["delete", deleteCases],
      ["generate", generateCases],
      ["list", listCases],
    ] as const) {
      for (const { name, plan } of cases) {
        server.plan(plan);
        counts.faultRuns++;
        await call[operation](faultClient(server, { securityLevel, ...recording })).then(
          (value) => observed.push(value),
          (error: unknown) => capture(`${securityLevel} ${operation}: ${name}`, error),
        );
        for (const request of server.received) signatures.add(String(request.headers.authorization));
      }
    }
  }
  const port = await getFreePort();
  counts.faultRuns++;
  await call
    .delete(faultClient(server, { baseUrl: `http://127.0.0.1:${port}`, ...recording } as never))
    .catch((error: unknown) => capture("connection refused", error));
  expect(errors.length).toBeGreaterThan(20);
}, 120_000);

const connection = { baseUrl: "http://127.0.0.1:1" };
const invalidOptions: Array<[string, Record<string, unknown>]> = [
  ["a key with a trailing newline", { apiKey: `${KEY}\n`, apiKeyId: 1 }],
  ["a standard key that cannot be a header", { apiKey: `${KEY}é`, apiKeyId: 1, securityLevel: "standard" }],
  ["the key pasted as the key id", { apiKey: "k", apiKeyId: KEY }],
  ["the key pasted as the level", { apiKey: "k", apiKeyId: 1, securityLevel: KEY }],
  ["the key pasted as the child tenant", { apiKey: "k", apiKeyId: 1, childTenantId: `${KEY}\n` }],
  ["the key pasted as the fqdn", { apiKey: "k", apiKeyId: 1, fqdn: `https://${KEY}`, baseUrl: undefined }],
  [
    "credentials in the base URL",
    { apiKey: "k", apiKeyId: 1, baseUrl: `https://user:${KEY}@api-t.example.com` },
  ],
  ["the key pasted as the timeout", { apiKey: "k", apiKeyId: 1, timeoutMs: KEY }],
  ["the key pasted as the rate limit", { apiKey: "k", apiKeyId: 1, rateLimit: KEY }],
  ["the key pasted as the logger", { apiKey: "k", apiKeyId: 1, logger: KEY }],
  ["the key pasted as fetch", { apiKey: "k", apiKeyId: 1, fetch: KEY }],
];

test("every invalid option", () => {
  for (const [name, options] of invalidOptions) {
    counts.invalidOptions++;
    try {
      createXsiamClient({ ...connection, ...options } as XsiamClientOptions);
      throw new Error(`${name} was accepted`);
    } catch (error) {
      expect(error).toBeInstanceOf(XsiamError);
      capture(`option: ${name}`, error);
    }
  }
});

test("every invalid input and per-call option", async () => {
  const xsiam = faultClient(server, recording);
  const inputs: Array<[string, () => Promise<unknown>]> = [
    ["the key as a role", () => xsiam.apiKeys.generate({ roles: [KEY, 5 as never] })],
    [
      "the key in an object comment",
      () => xsiam.apiKeys.generate({ roles: ["x"], comment: { KEY } as never }),
    ],
    ["the key as the expiration", () => xsiam.apiKeys.generate({ roles: ["x"], expiration: KEY as never })],
    [
      "the key as a field name",
      () => xsiam.apiKeys.generate({ roles: ["x"], [KEY]: 1 } as GenerateApiKeyInput),
    ],
    ["the key as an id", () => xsiam.apiKeys.delete([KEY as never])],
    ["the key as the ids", () => xsiam.apiKeys.delete(KEY as never)],
    ["the key as a per-call timeout", () => xsiam.apiKeys.delete([1], { timeoutMs: KEY as never })],
    ["the key as the call options", () => xsiam.apiKeys.delete([1], KEY as never)],
    ["the key as a list filter", () => xsiam.apiKeys.list(KEY as never)],
    ["the key as a filter role", () => xsiam.apiKeys.list({ roles: [KEY, 5 as never] })],
    ["the key as a filter field name", () => xsiam.apiKeys.list({ [KEY]: 1 } as never)],
    ["the key as an expiry", () => xsiam.apiKeys.list({ expiresAfter: KEY as never })],
    ["the key as get's id", () => xsiam.apiKeys.get(KEY as never)],
  ];
  for (const [name, run] of inputs) {
    counts.invalidInputs++;
    await run().then(
      () => {
        throw new Error(`${name} was accepted`);
      },
      (error: unknown) => capture(`input: ${name}`, error),
    );
  }
});

test("every invalid environment", () => {
  const base = { XSIAM_BASE_URL: "http://127.0.0.1:1", XSIAM_API_KEY: KEY, XSIAM_API_KEY_ID: "1" };
  for (const change of [
    { XSIAM_API_KEY: `${KEY}\n` },
    { XSIAM_API_KEY_ID: KEY },
    { XSIAM_SECURITY_LEVEL: KEY },
    { XSIAM_CHILD_TENANT_ID: ` ${KEY}` },
    { XSIAM_BASE_URL: `https://u:${KEY}@api-t.example.com` },
    { XSIAM_FQDN: KEY },
  ]) {
    counts.envCases++;
    try {
      createXsiamClientFromEnv({ ...base, ...change });
      throw new Error(`${Object.keys(change)[0]} was accepted`);
    } catch (error) {
      capture(`env: ${Object.keys(change)[0]}`, error);
    }
  }
});

test("none of them leaks a secret", () => {
  const secrets = [
    KEY,
    GENERATED_KEY,
    MINTED_KEY,
    ...[...signatures].filter((value) => value !== KEY && value !== "undefined"),
  ];
  expect(signatures.size).toBeGreaterThan(20);
  const leaks: string[] = [];
  for (const { scenario, error } of errors) {
    for (const form of printedForms(error)) {
      for (const secret of secrets)
        if (form.includes(secret)) leaks.push(`${scenario}: ${secret.slice(0, 6)}…`);
    }
  }
  const logged = [JSON.stringify(observed), inspect(observed, { depth: Number.POSITIVE_INFINITY })].join(
    "\n",
  );
  for (const secret of secrets)
    if (logged.includes(secret)) leaks.push(`logger or hooks: ${secret.slice(0, 6)}…`);
  counts.leaks = leaks.length;
  expect(leaks).toEqual([]);
  // The logger did see the traffic: the check above had something to look at.
  expect(observed.length).toBeGreaterThan(100);
});
