import { describe, expect, test } from "vitest";
import {
  createXsiamClient,
  createXsiamClientFromEnv,
  XsiamAuthError,
  type XsiamClientOptions,
  XsiamValidationError,
} from "../src/index.js";
import { expectNoSecrets } from "./helpers.js";

const SECRET = "client-sEcReT-9d2f";
const key = { apiKey: SECRET, apiKeyId: 2841 };

describe("where requests go", () => {
  test.each<[string, Partial<XsiamClientOptions>, string]>([
    [
      "fqdn",
      { fqdn: "mytenant.xdr.us.paloaltonetworks.com" },
      "https://api-mytenant.xdr.us.paloaltonetworks.com",
    ],
    [
      "fqdn with api-",
      { fqdn: "api-mytenant.xdr.us.paloaltonetworks.com" },
      "https://api-mytenant.xdr.us.paloaltonetworks.com",
    ],
    [
      "fqdn with a trailing slash",
      { fqdn: "mytenant.xdr.eu.paloaltonetworks.com/" },
      "https://api-mytenant.xdr.eu.paloaltonetworks.com",
    ],
    [
      "fqdn with a trailing dot",
      { fqdn: "mytenant.xdr.us.paloaltonetworks.com." },
      "https://api-mytenant.xdr.us.paloaltonetworks.com",
    ],
    [
      "fqdn in capitals",
      { fqdn: "MyTenant.XDR.us.PaloAltoNetworks.com" },
      "https://api-mytenant.xdr.us.paloaltonetworks.com",
    ],
    [
      "baseUrl",
      { baseUrl: "https://api-mytenant.xdr.us.paloaltonetworks.com" },
      "https://api-mytenant.xdr.us.paloaltonetworks.com",
    ],
    [
      "baseUrl without api-",
      { baseUrl: "https://mytenant.xdr.us.paloaltonetworks.com/" },
      "https://api-mytenant.xdr.us.paloaltonetworks.com",
    ],
    [
      "baseUrl with a trailing slash",
      { baseUrl: "https://api-t.xdr.us.paloaltonetworks.com/" },
      "https://api-t.xdr.us.paloaltonetworks.com",
    ],
    [
      "pasted /public_api/v1",
      { baseUrl: "https://api-t.xdr.us.paloaltonetworks.com/public_api/v1/" },
      "https://api-t.xdr.us.paloaltonetworks.com",
    ],
    [
      "pasted endpoint URL",
      { baseUrl: "https://api-t.xdr.us.paloaltonetworks.com/public_api/v1/api_keys/generate" },
      "https://api-t.xdr.us.paloaltonetworks.com",
    ],
    [
      "a gateway with a path prefix",
      { baseUrl: "https://gateway.example.com/xsiam/" },
      "https://gateway.example.com/xsiam",
    ],
    [
      "a proxy host is not prefixed",
      { baseUrl: "https://xsiam-proxy.internal:8443" },
      "https://xsiam-proxy.internal:8443",
    ],
    ["http on loopback (a mock)", { baseUrl: "http://127.0.0.1:4010" }, "http://127.0.0.1:4010"],
    ["http on localhost", { baseUrl: "http://localhost:4010/" }, "http://localhost:4010"],
    ["http on IPv6 loopback", { baseUrl: "http://[::1]:4010" }, "http://[::1]:4010"],
  ])("%s", (_label, connection, expected) => {
    expect(createXsiamClient({ ...key, ...connection } as XsiamClientOptions).baseUrl).toBe(expected);
  });

  test.each<[string, unknown, string, RegExp]>([
    [
      "both fqdn and baseUrl",
      { fqdn: "t.example.com", baseUrl: "https://api-t.example.com" },
      "fqdn",
      /exclusive/,
    ],
    ["neither", {}, "fqdn", /or baseUrl is required/],
    [
      "fqdn with a scheme",
      { fqdn: "https://t.xdr.us.paloaltonetworks.com" },
      "fqdn",
      /a URL goes in baseUrl/,
    ],
    [
      "fqdn with a path",
      { fqdn: "t.xdr.us.paloaltonetworks.com/public_api" },
      "fqdn",
      /host name only \(no path/,
    ],
    ["fqdn with a query", { fqdn: "t.xdr.us.paloaltonetworks.com?x=1" }, "fqdn", /host name only/],
    ["empty fqdn", { fqdn: "" }, "fqdn", /host name/],
    ["fqdn that is not a host", { fqdn: "bad host" }, "fqdn", /not a valid host name/],
    [
      "baseUrl without a scheme",
      { baseUrl: "api-t.xdr.us.paloaltonetworks.com" },
      "baseUrl",
      /not a valid URL/,
    ],
    [
      "http on a remote host",
      { baseUrl: "http://api-t.xdr.us.paloaltonetworks.com" },
      "baseUrl",
      /https URL \(http only for loopback\)/,
    ],
    ["a query string", { baseUrl: "https://api-t.example.com/?debug=1" }, "baseUrl", /a query or a fragment/],
    ["a fragment", { baseUrl: "https://api-t.example.com/#x" }, "baseUrl", /fragment/],
    ["credentials", { baseUrl: `https://user:${SECRET}@api-t.example.com` }, "baseUrl", /credentials/],
    ["ftp", { baseUrl: "ftp://api-t.example.com" }, "baseUrl", /https URL/],
    ["baseUrl not a string", { baseUrl: 42 }, "baseUrl", /not a valid URL/],
  ])("rejects %s", (_label, connection, field, reason) => {
    let error: unknown;
    try {
      createXsiamClient({ ...key, ...(connection as object) } as XsiamClientOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(XsiamValidationError);
    expect(error).toMatchObject({ name: "XsiamValidationError", field });
    expect((error as XsiamValidationError).reason).toMatch(reason);
    expectNoSecrets(error, [SECRET]);
  });
});

describe("key options are checked by @xsiam-sdk/auth at construction", () => {
  test.each([
    ["apiKey", { apiKey: "" }],
    ["apiKeyId", { apiKeyId: 0 }],
    ["securityLevel", { securityLevel: "basic" }],
  ])("%s", (option, bad) => {
    expect(() =>
      createXsiamClient({ fqdn: "t.xdr.us.paloaltonetworks.com", ...key, ...bad } as XsiamClientOptions),
    ).toThrow(expect.objectContaining({ name: "XsiamAuthError", option }));
  });

  test("a fetch that is not a function", () => {
    expect(() =>
      createXsiamClient({ fqdn: "t.example.com", ...key, fetch: "nope" } as unknown as XsiamClientOptions),
    ).toThrow(expect.objectContaining({ name: "XsiamValidationError", field: "fetch" }));
  });

  test("XsiamAuthError is re-exported from this package", () => {
    expect(XsiamAuthError.name).toBe("XsiamAuthError");
  });
});

describe("createXsiamClientFromEnv", () => {
  const env = {
    XSIAM_FQDN: "mytenant.xdr.us.paloaltonetworks.com",
    XSIAM_API_KEY: SECRET,
    XSIAM_API_KEY_ID: "2841",
  };

  test("reads the connection and the key", () => {
    expect(createXsiamClientFromEnv(env).baseUrl).toBe("https://api-mytenant.xdr.us.paloaltonetworks.com");
    const fromUrl = createXsiamClientFromEnv({
      ...env,
      XSIAM_FQDN: undefined,
      XSIAM_BASE_URL: "http://127.0.0.1:9",
    });
    expect(fromUrl.baseUrl).toBe("http://127.0.0.1:9");
  });

  test("reads process.env by default", () => {
    const saved = { ...process.env };
    Object.assign(process.env, env, { XSIAM_BASE_URL: "" });
    try {
      expect(createXsiamClientFromEnv().baseUrl).toBe("https://api-mytenant.xdr.us.paloaltonetworks.com");
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });

  test.each<[string, Record<string, string | undefined>, string]>([
    ["no connection", { XSIAM_FQDN: undefined }, "XSIAM_FQDN"],
    ["both connections", { XSIAM_BASE_URL: "https://api-t.example.com" }, "XSIAM_BASE_URL"],
    ["no key", { XSIAM_API_KEY: undefined }, "XSIAM_API_KEY"],
    ["an empty key", { XSIAM_API_KEY: "" }, "XSIAM_API_KEY"],
    ["no key id", { XSIAM_API_KEY_ID: undefined }, "XSIAM_API_KEY_ID"],
    ["a key id that is not a number", { XSIAM_API_KEY_ID: "twenty" }, "XSIAM_API_KEY_ID"],
    ["an unknown level", { XSIAM_SECURITY_LEVEL: "basic" }, "XSIAM_SECURITY_LEVEL"],
    ["a child tenant with spaces", { XSIAM_CHILD_TENANT_ID: " x " }, "XSIAM_CHILD_TENANT_ID"],
    ["a key with a newline", { XSIAM_API_KEY: `${SECRET}\n` }, "XSIAM_API_KEY"],
    ["an http URL", { XSIAM_FQDN: undefined, XSIAM_BASE_URL: "http://api-t.example.com" }, "XSIAM_BASE_URL"],
  ])("%s is an XsiamValidationError naming the variable", (_label, change, field) => {
    let error: unknown;
    try {
      createXsiamClientFromEnv({ ...env, ...change });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ name: "XsiamValidationError", field });
    expect((error as Error).message).toContain(field);
    expectNoSecrets(error, [SECRET]);
  });
});

test("the client shows no secret when printed or serialised", () => {
  const xsiam = createXsiamClient({ fqdn: "t.xdr.us.paloaltonetworks.com", ...key });
  expectNoSecrets(xsiam, [SECRET]);
});

describe("retry options are checked at construction", () => {
  const connection = { fqdn: "t.xdr.us.paloaltonetworks.com", ...key };
  // A timer longer than 2 ** 31 - 1 ms fires after 1 ms: such a timeout would fire at once.
  test.each<[string, Record<string, unknown>, string]>([
    ["a zero timeout", { timeoutMs: 0 }, "timeoutMs"],
    ["a timeout beyond what a timer can wait", { timeoutMs: 3e9 }, "timeoutMs"],
    ["a timeout that is not a number", { timeoutMs: "30s" }, "timeoutMs"],
    ["negative retries", { maxRetries: -1 }, "maxRetries"],
    ["too many retries", { maxRetries: 11 }, "maxRetries"],
    ["a negative base delay", { retryBaseDelayMs: -5 }, "retryBaseDelayMs"],
    ["a maximum delay beyond what a timer can wait", { maxRetryDelayMs: 3e9 }, "maxRetryDelayMs"],
    ["an infinite maximum delay", { maxRetryDelayMs: Number.POSITIVE_INFINITY }, "maxRetryDelayMs"],
  ])("rejects %s", (_label, settings, field) => {
    expect(() => createXsiamClient({ ...connection, ...settings } as XsiamClientOptions)).toThrow(
      expect.objectContaining({ name: "XsiamValidationError", field }),
    );
  });

  test.each<[string, Record<string, unknown>]>([
    ["no timeout", { timeoutMs: Number.POSITIVE_INFINITY }],
    ["the longest timer", { timeoutMs: 2 ** 31 - 1, maxRetryDelayMs: 2 ** 31 - 1 }],
    ["no retries and no delay", { maxRetries: 0, retryBaseDelayMs: 0 }],
  ])("accepts %s", (_label, settings) => {
    expect(() => createXsiamClient({ ...connection, ...settings } as XsiamClientOptions)).not.toThrow();
  });
});
