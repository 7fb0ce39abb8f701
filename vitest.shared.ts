// Settings every package's vitest config starts from. Each run also writes a JSON report to
// test-results/vitest.json, which turbo caches and scripts/test.mjs (`pnpm test`) adds up across packages.
import type { ViteUserConfig } from "vitest/config";

export const sharedTestConfig = {
  test: {
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
    exclude: ["**/node_modules/**", "**/dist/**", "test/fixtures/**"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
} satisfies ViteUserConfig;
