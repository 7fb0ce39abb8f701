// The README's example, as written (readme.test.ts checks that the README shows exactly this file).
import { createXsiamClient } from "@xsiam-sdk/client";
import { createFakeTenant, type FakeTenant } from "@xsiam-sdk/testing";
import { afterEach, beforeEach, expect, test } from "vitest";

let tenant: FakeTenant;
beforeEach(async () => {
  tenant = await createFakeTenant();
});
afterEach(() => tenant.close());

test("my rotation script leaves exactly one key with the role", async () => {
  const { id, key, securityLevel } = tenant.rootKey;
  const xsiam = createXsiamClient({ baseUrl: tenant.baseUrl, apiKey: key, apiKeyId: id, securityLevel });

  const old = await xsiam.apiKeys.generate({ roles: ["Viewer"], comment: "export job" });
  // A fault the service can produce: the key is minted, then the connection drops.
  tenant.faults.inject("generate", { kind: "drop-after" });
  const fresh = await xsiam.apiKeys.generate({ roles: ["Viewer"], comment: "export job" });
  await xsiam.apiKeys.delete([old.id]);

  const viewers = tenant.keys().filter((stored) => stored.roles.includes("Viewer"));
  expect(viewers.map((stored) => stored.id)).toEqual([fresh.id]);
});
