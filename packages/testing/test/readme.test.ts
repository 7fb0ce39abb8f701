import { readFileSync } from "node:fs";
import { expect, test } from "vitest";

const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8");

test("the README shows the example test exactly as readme-example.test.ts runs it", () => {
  const [block] = [...read("../README.md").matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
  const example = read("./readme-example.test.ts").replace(/^\/\/.*\n/, "");
  expect(block).toBe(example);
});
