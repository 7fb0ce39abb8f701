// In a browser, the code that describes failures is a chunk loaded on the first failure, over the
// network: exactly when the network may be gone, or the site redeployed under new chunk names.
// That import failing must still end the call in an XsiamError, not a TypeError about a module.
import { expect, test, vi } from "vitest";
import { createXsiamClient, XsiamError, XsiamNetworkError } from "../src/index.js";

vi.mock("../src/internal/failures.js", () => {
  throw new TypeError("Failed to fetch dynamically imported module: /assets/failures-TRPINC7B.js");
});

test("a failure whose error code cannot be loaded still ends in an XsiamNetworkError that says so", async () => {
  const xsiam = createXsiamClient({
    baseUrl: "http://127.0.0.1:1",
    apiKey: "k".repeat(24),
    apiKeyId: 1,
    rateLimit: false,
    maxRetries: 0,
  });
  for (const call of [() => xsiam.apiKeys.list(), () => xsiam.apiKeys.generate({ roles: ["Viewer"] })]) {
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(XsiamError);
    expect(error).toBeInstanceOf(XsiamNetworkError);
    expect((error as Error).message).toContain("the call failed; its failure handling did not load");
    // The import's own failure is kept as the cause.
    expect((error as Error).cause).toBeInstanceOf(Error);
  }
});
