import { execFileSync } from "node:child_process";
// The built reference in a real browser (Debian's Chromium through playwright-core), with every
// request that is not to 127.0.0.1 blocked: the page must show everything without the network.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveDocs } from "../scripts/server.mjs";

const html = fileURLToPath(new URL("../dist/index.html", import.meta.url));
const CLI_BIN = fileURLToPath(new URL("../node_modules/@xsiam-sdk/cli/bin/xsiam-keys.js", import.meta.url));
const artifacts = fileURLToPath(new URL("../test-results", import.meta.url));
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

let server: { url: string; close: () => Promise<void> };
let context: BrowserContext;
let page: Page;
const offLoopback: string[] = [];
const refused: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await serveDocs(html);
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "docs-chromium-")), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1") return route.continue();
    offLoopback.push(url.href);
    return route.abort("internetdisconnected");
  });
  page = await context.newPage();
  page.on("console", (message) => {
    if (/Refused to|Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(server.url, { waitUntil: "load" });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
});

/** The visible text of the page, without the zero-width spaces Redoc puts in dotted names. */
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point: what a reader sees.
const visibleText = () => page.evaluate(() => document.body.innerText.replaceAll("\u200b", ""));

async function screenshot(name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, name), fullPage: false });
}

test("the title and the description of both key types and of advanced signing", async () => {
  expect(await page.title()).toBe("Cortex XSIAM API Keys: API reference");
  await page.getByRole("heading", { name: "Advanced keys" }).waitFor();
  const text = await visibleText();
  for (const phrase of [
    "Standard keys",
    "Authorization carries the key itself",
    "Advanced keys",
    "lowercase hexadecimal SHA-256 digest of the UTF-8 bytes of key + nonce + timestamp",
    "6c1f22422dd4c2ac28eee43fba0a4df4adb13fba38030a5c66a9f9c3d1f76761",
    "10 requests per second",
  ]) {
    expect(text).toContain(phrase);
  }
  expect(await page.locator("img[alt*='logo' i]:visible").count()).toBe(0);
  // Neither the vendor badge nor the frame it sat in shows in the sidebar.
  const badge = page.locator('a[href^="https://redocly.com/redoc"]');
  expect(await badge.isVisible()).toBe(false);
  expect(await badge.locator("xpath=..").isVisible()).toBe(false);
  await screenshot("docs-overview.png");
});

test("the sidebar shows the three operations from the start, without a click", async () => {
  for (const operation of ["Generate an API key", "List API keys", "Delete API keys"]) {
    await page
      .getByRole("link", { name: new RegExp(operation) })
      .first()
      .waitFor({ state: "visible" });
  }
});

test("the command line section is xsiam-keys --help's commands and exit codes, read from the CLI itself", async () => {
  await page.getByRole("heading", { name: "Command line" }).waitFor();
  const text = await visibleText();
  const help = execFileSync(process.execPath, [CLI_BIN, "--help"], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const commands = help.slice(help.indexOf("Commands:\n"), help.indexOf("\n\n", help.indexOf("Commands:\n")));
  const names = [...commands.matchAll(/^ {2}(\S+)/gm)].map((match) => match[1]);
  expect(names).toEqual(["check", "list", "generate", "delete", "rotate", "audit", "prune"]);
  for (const name of names) expect(text).toContain(`xsiam-keys ${name}`);
  expect(text).toContain("a rotation left in a state that needs attention");
  expect(text).toContain("audit found keys that need attention");
  // The placeholder the build fills is not shown.
  expect(text).not.toContain("xsiam-keys --help -->");
});

test("the AI assistants section names the MCP server, its package and every tool of each mode", async () => {
  await page.getByRole("heading", { name: "AI assistants (MCP)" }).waitFor();
  const text = await visibleText();
  expect(text).toContain("npm package @xsiam-sdk/mcp");
  for (const tool of [
    "list_api_keys",
    "check_credentials",
    "audit_api_keys",
    "generate_api_key",
    "rotate_api_key",
    "delete_api_keys",
  ]) {
    expect(text).toContain(tool);
  }
  expect(text).toContain("--allow-write --key-dir DIR");
});

describe.each([
  {
    operation: "Generate an API key",
    hash: "#/api-keys/generateapikey",
    path: "/public_api/v1/api_keys/generate",
    fields: [
      "request_data.roles",
      "request_data.security_level",
      "request_data.expiration",
      "request_data.comment",
    ],
    sample: "await xsiam.apiKeys.generate(",
    curl: '"security_level": "advanced"',
    example: ['"nightly export job"', "1797004800000"],
    screenshotName: "docs-generate.png",
  },
  {
    operation: "List API keys",
    hash: "#/api-keys/getapikeys",
    path: "/public_api/v1/api_keys/get_api_keys",
    fields: ["request_data.filters", "request_data.search_from", "request_data.search_to"],
    sample: "await xsiam.apiKeys.list({",
    curl: '"operator": "contains"',
    example: ['"lte"', "1795000000000"],
    screenshotName: "docs-list.png",
  },
  {
    operation: "Delete API keys",
    hash: "#/api-keys/deleteapikeys",
    path: "/public_api/v1/api_keys/delete",
    fields: [
      "request_data.filters",
      "request_data.filters[].field",
      "request_data.filters[].operator",
      "request_data.filters[].value",
    ],
    sample: "await xsiam.apiKeys.delete([121, 134])",
    curl: '"operator": "in"',
    example: ["121", "134"],
    screenshotName: "docs-delete.png",
  },
])("$operation", ({ operation, hash, path, fields, sample, curl, example, screenshotName }) => {
  // Both operations are in the page; each in its own section, with the id its route names.
  const section = () => page.locator(`[id="${hash.slice(2)}"]`);
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point: what a reader sees.
  const sectionText = async () => (await section().innerText()).replaceAll("\u200b", "");

  test("is listed and shows its request fields", async () => {
    await page
      .getByRole("link", { name: new RegExp(operation) })
      .first()
      .click();
    await section().getByRole("heading", { name: operation }).waitFor();
    expect(page.url()).toContain(hash);
    // Nested fields render progressively; Redoc puts zero-width spaces after the dots of their names.
    for (const field of fields) {
      const name = new RegExp(`^${field.replace(/[.[\]]/g, "\\$&").replaceAll("\\.", "\\.\u200b?")}$`);
      await section().getByText(name).first().waitFor({ state: "visible" });
    }
    const text = await sectionText();
    expect(text).toContain(path);
    for (const header of ["x-xdr-nonce", "x-xdr-timestamp", "x-child-tenant-id"])
      expect(text).toContain(header);
  });

  test("shows the @xsiam-sdk/client code sample, and curl for standard keys", async () => {
    await section().getByText(sample).first().waitFor({ state: "visible" });
    expect(
      await section().getByText('import { createXsiamClient } from "@xsiam-sdk/client"').isVisible(),
    ).toBe(true);
    // Above the sample, the request example's description, which says it is what the samples send.
    await section().getByText("What the code samples send").first().waitFor({ state: "visible" });
    await screenshot(screenshotName);
    // Switch the sample's language to curl, check it, and switch back.
    await section().getByText("@xsiam-sdk/client", { exact: true }).click();
    await page.getByText("curl (standard key)", { exact: true }).last().click();
    await section().getByText(curl).first().waitFor({ state: "visible" });
    expect(await sectionText()).toContain('-H "Authorization: $XSIAM_API_KEY"');
    // Long lines wrap inside the panel: none of a sample is hidden past its right edge.
    const overflowing = await section()
      .locator("pre")
      .evaluateAll((blocks) =>
        blocks
          .filter((block) => block.clientWidth > 0 && block.scrollWidth > block.clientWidth)
          .map((block) => block.textContent?.slice(0, 60)),
      );
    await section().getByText("curl (standard key)", { exact: true }).click();
    await page.getByText("@xsiam-sdk/client", { exact: true }).last().click();
    await section().getByText(sample).first().waitFor({ state: "visible" });
    expect(overflowing).toEqual([]);
  });

  test("shows a request payload that sends what the code sample sends", async () => {
    await section().getByText("@xsiam-sdk/client", { exact: true }).click();
    await page.getByText("Payload", { exact: true }).last().click();
    // Only the payload's example has these values, each a whole JSON token: the samples compute
    // times and are hidden now, and a payload made up from the schema has neither.
    for (const token of example) {
      await section().getByText(token, { exact: true }).first().waitFor({ state: "visible", timeout: 5_000 });
    }
    await section().getByText("Payload", { exact: true }).first().click();
    await page.getByText("@xsiam-sdk/client", { exact: true }).last().click();
    await section().getByText(sample).first().waitFor({ state: "visible" });
  });

  test("shows every error response, with the service's envelope", async () => {
    // The left column lists the responses, the right column their examples; each shows one status at a time.
    const descriptions: Record<string, string> = {
      "400": "The body is not valid JSON or a parameter is invalid.",
      "401": "The request could not be authenticated",
      "402": "The tenant does not have a license that includes this API.",
      "403": "The key is valid but lacks the permission for this action",
      "413": "The request body is larger than the service accepts.",
      "429": "More than 10 requests per second reached the tenant",
      "500": "The service failed to handle the request.",
    };
    for (const [status, description] of Object.entries(descriptions)) {
      await section().getByRole("tab", { name: status, exact: true }).click();
      await section().getByText(description).waitFor({ state: "visible" });
    }
    await section().locator("button:not([role=tab])", { hasText: /^401$/ }).click();
    await section().getByText('"Public API request unauthorized"').waitFor({ state: "visible" });
    expect(await sectionText()).toContain('"err_code": 401');
  });
});

test("nothing was requested beyond 127.0.0.1, nothing was refused, nothing failed", () => {
  expect(offLoopback).toEqual([]);
  expect(refused).toEqual([]);
  expect(pageErrors).toEqual([]);
});
