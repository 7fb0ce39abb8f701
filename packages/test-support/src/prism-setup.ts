// Vitest global setup: one Prism mock of the workspace spec for the whole test run.
// Tests read its URL with `inject("prismUrl")`; it is stopped by pid after the run,
// whether the tests passed or not.
import type { TestProject } from "vitest/node";
import { startPrism } from "./prism.js";

declare module "vitest" {
  export interface ProvidedContext {
    prismUrl: string;
    prismPid: number;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const prism = await startPrism();
  project.provide("prismUrl", prism.url);
  project.provide("prismPid", prism.pid);
  return () => prism.stop();
}
