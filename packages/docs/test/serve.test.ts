import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { getFreePort } from "@xsiam-sdk/test-support";
import { expect, test } from "vitest";

const serve = fileURLToPath(new URL("../scripts/serve.mjs", import.meta.url));

/** Starts `pnpm docs`' script, returns the URL it printed, and stops it afterwards. */
async function served(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child = spawn(process.execPath, [serve, ...args], { env: { ...process.env, ...env } });
  try {
    const [chunk] = (await once(child.stdout, "data")) as [Buffer];
    const url = /API reference: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(chunk.toString())?.[1];
    if (!url) throw new Error(`no URL in: ${chunk.toString()}`);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("<title>Cortex XSIAM API Keys: API reference</title>");
    expect((await fetch(`${url}elsewhere`)).status).toBe(404);
    return url;
  } finally {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
}

test("serves the page on 127.0.0.1 and a free port, and prints the URL", async () => {
  expect(await served([])).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test("uses the port it is given, by --port or DOCS_PORT", async () => {
  const port = await getFreePort();
  expect(await served(["--port", String(port)])).toBe(`http://127.0.0.1:${port}/`);
  const other = await getFreePort();
  expect(await served([], { DOCS_PORT: String(other) })).toBe(`http://127.0.0.1:${other}/`);
});

test("refuses a port that is not one", async () => {
  const child = spawn(process.execPath, [serve, "--port", "http"]);
  const [code] = await once(child, "exit");
  expect(code).toBe(2);
});
