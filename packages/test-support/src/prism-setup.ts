// Vitest global setup: one Prism mock of the workspace spec for the whole test run.
// Tests read its URL with `inject("prismUrl")`; it is stopped by pid after the run,
// whether the tests passed or not.
import type { TestProject } from "vitest/node";
import { startPrism } from "./prism.js";

/** What the setup hands to tests through `inject`. */
export interface PrismContext {
  /** Base URL of the mock. */
  prismUrl: string;
  /** Its process id, for tests that check it is stopped. */
  prismPid: number;
}

declare module "vitest" {
  export interface ProvidedContext extends PrismContext {}
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const prism = await startPrism();
  project.provide("prismUrl", prism.url);
  project.provide("prismPid", prism.pid);
  return () => prism.stop();
}
