import { defineConfig, mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.js";

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      globalSetup: ["@xsiam-sdk/test-support/prism-setup"],
      // test/*.test-d.ts: what must and must not compile, checked by tsc and counted as tests. Its
      // own tsconfig holds that file alone (and what it imports): the typecheck task checks the rest.
      typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.types-test.json" },
    },
  }),
);
