import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test, vi } from "vitest";
import { isRunning, startPrism } from "../src/index.js";

describe("startPrism", () => {
  test("serves the spec on 127.0.0.1, and stop() ends the process without reporting it", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const prism = await startPrism();
      expect(prism.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(isRunning(prism.pid)).toBe(true);
      const response = await fetch(`${prism.url}/public_api/v1/api_keys/delete`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "k", "x-xdr-auth-id": "1" },
        body: JSON.stringify({ request_data: { filters: [{ field: "id", operator: "in", value: [1] }] } }),
      });
      expect(response.status).toBe(200);
      await prism.stop();
      expect(isRunning(prism.pid)).toBe(false);
      // A stop that was asked for is not reported.
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  }, 60_000);

  test("two mocks get two different ports", async () => {
    const [a, b] = await Promise.all([startPrism(), startPrism()]);
    try {
      expect(a.url).not.toBe(b.url);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 60_000);

  test("rejects with Prism's output when the spec cannot be loaded", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "prism-")), "missing.yaml");
    const failure = await startPrism({ specFile: missing, startTimeoutMs: 15_000 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ message: "Prism did not start" });
    // The error carries what Prism wrote, which names the file it could not read; a spec that
    // cannot be loaded is not tried again on another port.
    expect((failure as Error).cause).toMatchObject({ message: expect.stringContaining("missing.yaml") });
    expect((failure as Error).cause).not.toMatchObject({ message: expect.stringContaining("EADDRINUSE") });
  }, 60_000);

  test("says so, with Prism's last output, when Prism ends while in use", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const prism = await startPrism();
      await fetch(`${prism.url}/public_api/v1/api_keys/delete`, { method: "POST" });
      process.kill(prism.pid, "SIGKILL");
      // Reported as soon as its exit is seen, with nobody having asked for a stop.
      await vi.waitFor(() => expect(logged).toHaveBeenCalledTimes(1), { timeout: 10_000 });
      expect(isRunning(prism.pid)).toBe(false);
      await prism.stop();
      expect(logged).toHaveBeenCalledTimes(1);
      expect(logged.mock.calls[0]?.[0]).toMatch(
        /^Prism on http:\/\/127\.0\.0\.1:\d+ exited with SIGKILL while in use:\n[\s\S]*401/,
      );
    } finally {
      logged.mockRestore();
    }
  }, 60_000);
});

describe("the vitest global setup", () => {
  test("stops Prism by pid after a run whose test failed", () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), "prism-setup-")), "pid");
    const config = fileURLToPath(new URL("./fixtures/failing-run/vitest.config.ts", import.meta.url));
    const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));
    const run = spawnSync(process.execPath, [vitest, "run", "--config", config], {
      env: { ...process.env, PRISM_PID_FILE: pidFile, NO_COLOR: "1", FORCE_COLOR: "0" },
      encoding: "utf8",
      timeout: 90_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    // The fixture reached the mock (401: it sent no auth headers) and then failed on purpose.
    expect(run.stdout + run.stderr).toMatch(/expected 401 to be -1/);
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(pid).toBeGreaterThan(0);
    expect(isRunning(pid)).toBe(false);
  }, 120_000);
});
