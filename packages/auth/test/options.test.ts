import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import {
  type AuthOptions,
  createAuthMiddleware,
  signRequest,
  XsiamAuthError,
  XsiamError,
} from "../src/index.js";

// Distinctive enough that finding it anywhere in an error means it leaked.
const SECRET = "sEcReT-kEy-7f3a9c";

const badOptions: Array<[label: string, options: unknown, option: string]> = [
  ["no options", undefined, "options"],
  ["null options", null, "options"],
  ["empty key", { apiKey: "", apiKeyId: 1 }, "apiKey"],
  ["whitespace-only key", { apiKey: " \t\n ", apiKeyId: 1 }, "apiKey"],
  ["key with a trailing newline", { apiKey: `${SECRET}\n`, apiKeyId: 1 }, "apiKey"],
  ["key with a leading space", { apiKey: ` ${SECRET}`, apiKeyId: 1 }, "apiKey"],
  ["key that is not a string", { apiKey: 12345, apiKeyId: 1 }, "apiKey"],
  ["missing key", { apiKeyId: 1 }, "apiKey"],
  ["standard key with non-ASCII", { apiKey: `${SECRET}é`, apiKeyId: 1, securityLevel: "standard" }, "apiKey"],
  [
    "standard key with a control character",
    { apiKey: `${SECRET}\u0000x`, apiKeyId: 1, securityLevel: "standard" },
    "apiKey",
  ],
  ["id 0", { apiKey: SECRET, apiKeyId: 0 }, "apiKeyId"],
  ["id -1", { apiKey: SECRET, apiKeyId: -1 }, "apiKeyId"],
  ["id 1.5", { apiKey: SECRET, apiKeyId: 1.5 }, "apiKeyId"],
  ["id NaN", { apiKey: SECRET, apiKeyId: Number.NaN }, "apiKeyId"],
  ["id beyond safe integers", { apiKey: SECRET, apiKeyId: 2 ** 53 }, "apiKeyId"],
  ['id "abc"', { apiKey: SECRET, apiKeyId: "abc" }, "apiKeyId"],
  ['id ""', { apiKey: SECRET, apiKeyId: "" }, "apiKeyId"],
  ['id "0"', { apiKey: SECRET, apiKeyId: "0" }, "apiKeyId"],
  ['id "-3"', { apiKey: SECRET, apiKeyId: "-3" }, "apiKeyId"],
  ['id " 42"', { apiKey: SECRET, apiKeyId: " 42" }, "apiKeyId"],
  ['id "1e3"', { apiKey: SECRET, apiKeyId: "1e3" }, "apiKeyId"],
  ["missing id", { apiKey: SECRET }, "apiKeyId"],
  ["the key passed as the id", { apiKey: SECRET, apiKeyId: SECRET }, "apiKeyId"],
  ["unknown level", { apiKey: SECRET, apiKeyId: 1, securityLevel: "paranoid" }, "securityLevel"],
  ["level in capitals", { apiKey: SECRET, apiKeyId: 1, securityLevel: "Advanced" }, "securityLevel"],
  ["empty child tenant", { apiKey: SECRET, apiKeyId: 1, childTenantId: "" }, "childTenantId"],
  ["child tenant with a newline", { apiKey: SECRET, apiKeyId: 1, childTenantId: "a\nb" }, "childTenantId"],
  ["child tenant that is a number", { apiKey: SECRET, apiKeyId: 1, childTenantId: 5 }, "childTenantId"],
  ["now that is not a function", { apiKey: SECRET, apiKeyId: 1, now: 1_700_000_000_000 }, "now"],
  ["randomBytes that is not a function", { apiKey: SECRET, apiKeyId: 1, randomBytes: "x" }, "randomBytes"],
];

function assertNoSecret(error: unknown): void {
  for (const form of [
    String(error),
    (error as Error).message,
    (error as Error).stack ?? "",
    JSON.stringify(error),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ]) {
    expect(form).not.toContain(SECRET);
  }
}

describe.each(badOptions)("%s", (_label, options, option) => {
  test("createAuthMiddleware throws an XsiamAuthError naming the option, without the key", () => {
    let error: unknown;
    try {
      createAuthMiddleware(options as AuthOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(XsiamAuthError);
    expect(error).toBeInstanceOf(XsiamError);
    expect(error).toMatchObject({ name: "XsiamAuthError", option });
    expect((error as Error).message).toMatch(new RegExp(`^@xsiam-sdk/auth: ${option} `));
    assertNoSecret(error);
  });

  test("signRequest rejects with the same error", async () => {
    await expect(signRequest(options as AuthOptions)).rejects.toMatchObject({
      name: "XsiamAuthError",
      option,
    });
  });
});

describe("options that are accepted", () => {
  test.each<[string, AuthOptions]>([
    ["numeric id", { apiKey: SECRET, apiKeyId: 2841 }],
    ["string id", { apiKey: SECRET, apiKeyId: "2841" }],
    ["largest safe id", { apiKey: SECRET, apiKeyId: Number.MAX_SAFE_INTEGER }],
    ["advanced key with non-ASCII", { apiKey: `${SECRET}é🔑`, apiKeyId: 1 }],
    ["standard key with inner spaces", { apiKey: "two words", apiKeyId: 1, securityLevel: "standard" }],
    [
      "explicit undefined options",
      { apiKey: SECRET, apiKeyId: 1, securityLevel: undefined, childTenantId: undefined },
    ],
  ])("%s", async (_label, options) => {
    expect(() => createAuthMiddleware(options)).not.toThrow();
    await expect(signRequest(options)).resolves.toHaveProperty("x-xdr-auth-id", String(options.apiKeyId));
  });

  test("the caller's options object is not changed", async () => {
    const options = Object.freeze({ apiKey: SECRET, apiKeyId: 1, childTenantId: "c" });
    createAuthMiddleware(options);
    await signRequest(options);
    expect(options).toEqual({ apiKey: SECRET, apiKeyId: 1, childTenantId: "c" });
  });
});

describe("a clock that does not return epoch milliseconds", () => {
  test.each([Number.NaN, -1, 0, Number.POSITIVE_INFINITY])(
    "now() = %s is an XsiamAuthError at signing",
    async (value) => {
      await expect(signRequest({ apiKey: SECRET, apiKeyId: 1, now: () => value })).rejects.toMatchObject({
        name: "XsiamAuthError",
        option: "now",
      });
    },
  );
});

test("the middleware itself shows no secret when printed or serialised", () => {
  const middleware = createAuthMiddleware({ apiKey: SECRET, apiKeyId: 1, securityLevel: "standard" });
  expect(JSON.stringify(middleware)).not.toContain(SECRET);
  expect(inspect(middleware, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(SECRET);
  expect(Object.values(middleware).map(String).join("\n")).not.toContain(SECRET);
});

describe("messages that say what to fix", () => {
  test.each([
    ["Advanced", "advanced"],
    [" standard", "standard"],
    ["ADVANCED\n", "advanced"],
  ])("securityLevel %j suggests %j and shows the value, which is a level, not a secret", (level, meant) => {
    expect(() =>
      createAuthMiddleware({
        apiKey: SECRET,
        apiKeyId: 1,
        securityLevel: level as AuthOptions["securityLevel"],
      }),
    ).toThrow(`(got ${JSON.stringify(level)}; did you mean "${meant}"?)`);
  });

  test("a level that is not close to one is described, not shown", () => {
    expect(() =>
      createAuthMiddleware({
        apiKey: SECRET,
        apiKeyId: 1,
        securityLevel: SECRET as AuthOptions["securityLevel"],
      }),
    ).toThrow(/\(got a string of 17 characters\)$/);
  });

  test.each(["3\n", " 42", "7 "])("apiKeyId %j has surrounding whitespace", (apiKeyId) => {
    expect(() => createAuthMiddleware({ apiKey: SECRET, apiKeyId })).toThrow(
      "@xsiam-sdk/auth: apiKeyId has surrounding whitespace (a pasted newline?)",
    );
  });
});

// Every option is read as the options object's own property: one inherited from a polluted
// Object.prototype counts as unset (or, for a required one, as missing).
describe("a polluted Object.prototype sets no option", () => {
  function polluted<T>(name: string, value: unknown, run: () => T): T {
    Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });
    try {
      return run();
    } finally {
      delete (Object.prototype as Record<string, unknown>)[name];
    }
  }

  test("securityLevel: the advanced default stays", async () => {
    const headers = await polluted("securityLevel", "standard", () =>
      signRequest({ apiKey: SECRET, apiKeyId: 1 }),
    );
    expect(headers.authorization).not.toBe(SECRET);
    expect(headers["x-xdr-nonce"]).toHaveLength(64);
    expect(
      polluted("securityLevel", "standard", () => createAuthMiddleware({ apiKey: SECRET, apiKeyId: 1 }))
        .securityLevel,
    ).toBe("advanced");
  });

  test.each([
    ["apiKey", SECRET, { apiKeyId: 1 }],
    ["apiKeyId", 99, { apiKey: SECRET }],
  ])("%s: a required option inherited is still missing", (name, value, options) => {
    expect(() => polluted(name, value, () => createAuthMiddleware(options as AuthOptions))).toThrow(
      expect.objectContaining({ option: name }),
    );
  });

  test("childTenantId: no x-child-tenant-id is sent", async () => {
    const headers = await polluted("childTenantId", "9994", () =>
      signRequest({ apiKey: SECRET, apiKeyId: 1 }),
    );
    expect(headers).not.toHaveProperty("x-child-tenant-id");
  });

  test("now and randomBytes: the real clock and CSPRNG are used", async () => {
    const before = Date.now();
    const headers = await polluted(
      "now",
      () => 1_700_000_000_000,
      () =>
        polluted(
          "randomBytes",
          (size: number) => new Uint8Array(size),
          () => signRequest({ apiKey: SECRET, apiKeyId: 1 }),
        ),
    );
    expect(Number(headers["x-xdr-timestamp"])).toBeGreaterThanOrEqual(before);
    expect(headers["x-xdr-nonce"]).not.toBe("A".repeat(64));
  });
});

test("the middleware inherits no onResponse or onError that openapi-fetch would call", () => {
  const middleware = createAuthMiddleware({ apiKey: SECRET, apiKeyId: 1 });
  expect(Object.getPrototypeOf(middleware)).toBeNull();
  expect(Object.keys(middleware).sort()).toEqual(["onRequest", "securityLevel", "signHeaders"]);
});
