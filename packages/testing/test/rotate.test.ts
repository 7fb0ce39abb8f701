// apiKeys.rotate against the fake tenant: the steps, what they report, and the settings the check
// inherits from the caller's client. The fault sweep (rotate-sweep.test.ts) covers the failures.

import { inspect } from "node:util";
import {
  createRateLimiter,
  type RateLimiter,
  type RotateEvent,
  rotationExpiry,
  XsiamRotateError,
  XsiamValidationError,
} from "@xsiam-sdk/client";
import { afterEach, describe, expect, test } from "vitest";
import { createFakeTenant, type FakeTenant } from "../src/index.js";
import { clientOf } from "./helpers.js";

const DAY = 86_400_000;
let tenant: FakeTenant;
afterEach(() => tenant?.close());

/** A hand-over into a variable, which can be taken back. */
function vault(initial: { id: number; key: string }) {
  const state = { held: initial, writes: 0 };
  return {
    state,
    handOver: async (key: { id: number; key: string }) => {
      const previous = state.held;
      state.held = { id: key.id, key: key.key };
      state.writes++;
      return {
        undo: async () => {
          state.held = previous;
        },
      };
    },
  };
}

describe("apiKeys.rotate", () => {
  test("reads, generates with the old key's roles, level and comment, hands over, checks, deletes", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({
      roles: ["Viewer", "Responder"],
      securityLevel: "standard",
      comment: "nightly export",
      expiration: Date.now() + 10 * DAY,
    });
    const { state, handOver } = vault(old);
    const events: RotateEvent[] = [];
    const result = await clientOf(tenant).apiKeys.rotate(old.id, {
      handOver,
      onProgress: (event) => events.push(event),
    });
    expect(result).toMatchObject({ oldId: old.id, oldDeleted: true });
    expect(state.held.id).toBe(result.newId);
    const fresh = tenant.keys().find((key) => key.id === result.newId);
    expect(fresh).toMatchObject({ roles: ["Viewer", "Responder"], securityLevel: "standard" });
    expect(fresh?.comment).toMatch(/^nightly export \[xsiam-sdk:[A-Za-z0-9]{16}\]$/);
    // The old key's lifetime (ten days), from now.
    expect(Math.abs(result.expiresAt.getTime() - (Date.now() + 10 * DAY))).toBeLessThan(60_000);
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id, result.newId]);
    expect(
      events.map((event) => (event.kind === "step" ? `${event.index} ${event.step}` : event.kind)),
    ).toEqual([
      "1 read",
      "plan",
      "2 generate",
      "sending",
      "created",
      "3 hand-over",
      "4 check",
      "5 delete-old",
    ]);
    const sending = events.find((event) => event.kind === "sending");
    // The marker is announced before the request that carries it is sent.
    expect(fresh?.comment).toContain(sending?.kind === "sending" ? sending.marker : "?");
  });

  test("keepOld keeps the old key", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    const result = await clientOf(tenant).apiKeys.rotate(old.id, {
      handOver: vault(old).handOver,
      keepOld: true,
    });
    expect(result.oldDeleted).toBe(false);
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id, old.id, result.newId]);
  });

  test("a child tenant's key: generate, check and delete all act on the child tenant", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY, childTenantId: "acme-2" });
    const xsiam = clientOf(tenant, tenant.rootKey, { childTenantId: "acme-2" });
    const result = await xsiam.apiKeys.rotate(old.id, { handOver: vault(old).handOver, checkDelayMs: 1 });
    expect(tenant.keys("acme-2").map((key) => key.id)).toEqual([result.newId]);
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id]);
  });

  test("the check goes through the caller's rate limiter", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    const inner = createRateLimiter(10);
    let acquired = 0;
    const counting: RateLimiter = {
      requestsPerSecond: 10,
      acquire: (signal) => {
        acquired++;
        return inner.acquire(signal);
      },
    };
    await clientOf(tenant, tenant.rootKey, { rateLimit: counting }).apiKeys.rotate(old.id, {
      handOver: vault(old).handOver,
    });
    const calls = tenant.faults.calls();
    expect(acquired).toBe(calls.generate + calls.list + calls.delete);
    // Read, check; generate; delete.
    expect(calls).toEqual({ generate: 1, list: 2, delete: 1 });
  });

  test("a key that does not authenticate is retried, then the rotation is undone", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    const { state, handOver } = vault(old);
    tenant.faults.inject("list", { kind: "refuse", status: 401 }, { calls: [2, 3, 4] });
    const events: RotateEvent[] = [];
    const error = await clientOf(tenant)
      .apiKeys.rotate(old.id, { handOver, checkDelayMs: 1, onProgress: (event) => events.push(event) })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(XsiamRotateError);
    const rotateError = error as XsiamRotateError;
    expect(rotateError).toMatchObject({ step: "check", holds: old.id, newExists: false, handedOver: false });
    expect(rotateError.message).toMatch(
      new RegExp(
        `^rotating key ${old.id} failed at the check of the new key \\(key ${rotateError.newId} does not authenticate: HTTP 401: Public API request unauthorized \\[after 3 tries\\]\\): the hand-over was taken back and new key ${rotateError.newId} was deleted; you hold key ${old.id}, unchanged$`,
      ),
    );
    expect(state.held.id).toBe(old.id);
    expect(events.filter((event) => event.kind === "check-retry")).toHaveLength(2);
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id, old.id]);
  });

  test("503s right after the hand-over: the hand-over is taken back, and the message names the key left", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    const { state, handOver } = vault(old);
    tenant.faults.inject(
      "list",
      { kind: "refuse", status: 503 },
      { calls: Array.from({ length: 30 }, (_, i) => i + 2) },
    );
    tenant.faults.inject("delete", { kind: "refuse", status: 503 }, { times: 30 });
    const error = (await clientOf(tenant)
      .apiKeys.rotate(old.id, { handOver, checkDelayMs: 1 })
      .catch((failure: unknown) => failure)) as XsiamRotateError;
    expect(state.held.id).toBe(old.id);
    expect(error.toDelete).toEqual([error.newId]);
    expect(error.message).toContain(
      `new key ${error.newId} could not be deleted (HTTP 503: Service unavailable) and may still exist, and nobody holds it: delete it with apiKeys.delete([${error.newId}]); you hold key ${old.id}, unchanged`,
    );
  });

  test("a generate's key whose delete may still act: the message says the service may still delete it", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    const { state, handOver } = vault(old);
    // The generate times out and mints; every delete of its key times out and acts later.
    tenant.faults.inject("generate", { kind: "act-later", afterMs: 300, answerMs: 600 });
    tenant.faults.inject("delete", { kind: "act-later", afterMs: 500, answerMs: 600 }, { times: 30 });
    const error = (await clientOf(tenant, tenant.rootKey, { timeoutMs: 200, settleMs: 3_000, maxRetries: 1 })
      .apiKeys.rotate(old.id, { handOver, checkDelayMs: 1 })
      .catch((failure: unknown) => failure)) as XsiamRotateError;
    expect(error).toBeInstanceOf(XsiamRotateError);
    expect(state.held.id).toBe(old.id);
    expect(error.message).toMatch(
      /new key (\d+) was created and could not be deleted \(timed out after 200 ms\), though the service may still delete it, and nobody holds it: delete it with apiKeys\.delete\(\[\1\]\)/,
    );
    await tenant.idle();
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id, old.id]);
  });

  test("a hand-over that cannot be taken back is never undone by deleting its key: both are kept", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    tenant.faults.inject("list", { kind: "refuse", status: 401 }, { calls: [2] });
    let held = old.id;
    const error = (await clientOf(tenant)
      .apiKeys.rotate(old.id, {
        handOver: async (key) => {
          held = key.id;
        },
        checkAttempts: 1,
      })
      .catch((failure: unknown) => failure)) as XsiamRotateError;
    expect(error).toMatchObject({ step: "check", holds: held, handedOver: true, toDelete: [] });
    expect(error.message).toContain(
      `key ${held} was handed over, which cannot be taken back, so both keys were kept: you hold key ${held} (it did not authenticate: HTTP 401: Public API request unauthorized); key ${old.id} still exists`,
    );
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id, old.id, held]);
  });

  test("a hand-over that throws: the new key is deleted and its error, without the key, is the cause", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    let secret = "";
    const error = (await clientOf(tenant)
      .apiKeys.rotate(old.id, {
        handOver: async (key) => {
          secret = key.key;
          throw new Error(`vault: cannot store ${key.key}`);
        },
      })
      .catch((failure: unknown) => failure)) as XsiamRotateError;
    expect(error.message).toContain("failed at the hand-over (vault: cannot store [redacted])");
    expect((error.cause as Error).message).toBe("vault: cannot store [redacted]");
    expect(JSON.stringify(error) + String(error.stack)).not.toContain(secret);
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id, old.id]);
  });

  test("stopping while generate is in flight waits for it, then deletes its key", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    tenant.faults.inject("generate", { kind: "delay-after", ms: 300 });
    const controller = new AbortController();
    const { state, handOver } = vault(old);
    const error = (await clientOf(tenant)
      .apiKeys.rotate(old.id, {
        handOver,
        signal: controller.signal,
        onProgress: (event) => {
          if (event.kind === "sending") setTimeout(() => controller.abort(new Error("Ctrl-C")), 50);
        },
      })
      .catch((failure: unknown) => failure)) as XsiamRotateError;
    expect(error).toMatchObject({ step: "generate", stopped: true, holds: old.id, newExists: false });
    expect(error.newId).toBeGreaterThan(old.id);
    expect(error.message).toMatch(/was stopped at generate \(Ctrl-C\): new key \d+ was deleted/);
    expect(state.writes).toBe(0);
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id, old.id]);
  });

  test("a delete that answers update_count 0 and deletes nothing is not taken for done", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    // A gateway that answers every delete with 0 and never passes it on.
    const noop: typeof fetch = async (input, init) =>
      String(input).endsWith("/delete")
        ? new Response(JSON.stringify({ reply: { update_count: 0 } }), {
            headers: { "content-type": "application/json" },
          })
        : fetch(input, init);
    const { state, handOver } = vault(old);
    const error = (await clientOf(tenant, tenant.rootKey, { fetch: noop })
      .apiKeys.rotate(old.id, { handOver })
      .catch((failure: unknown) => failure)) as XsiamRotateError;
    expect(error).toBeInstanceOf(XsiamRotateError);
    expect(error).toMatchObject({ step: "delete-old", holds: state.held.id, toDelete: [old.id] });
    expect(error.reason).toBe("the service deleted nothing (update_count 0)");
    expect(tenant.keys().map((key) => key.id)).toContain(old.id);
  });

  test.each([
    ["a null-prototype object", () => Object.create(null)],
    [
      "an object whose toString throws",
      () => ({
        toString() {
          throw new Error("no");
        },
      }),
    ],
    ["undefined", () => undefined],
  ])("a hand-over that throws %s is an XsiamRotateError, and its key is deleted", async (_, thrown) => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    const error = await clientOf(tenant)
      .apiKeys.rotate(old.id, {
        handOver: async () => {
          throw thrown();
        },
      })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(XsiamRotateError);
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id, old.id]);
  });

  test("a hand-over error that holds the key anywhere (a property, its cause, its errors) is not kept as the cause", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    let secret = "";
    const error = (await clientOf(tenant)
      .apiKeys.rotate(old.id, {
        handOver: async (key) => {
          secret = key.key;
          const failure = Object.assign(new Error("vault write failed"), { stderr: `denied: ${key.key}` });
          throw new AggregateError([failure], "several stores failed", { cause: failure });
        },
      })
      .catch((failure: unknown) => failure)) as XsiamRotateError;
    const printed = inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true });
    expect(printed).not.toContain(secret);
    expect(printed).toContain("several stores failed");
  });

  test("an async onProgress that rejects does not crash the rotation", async () => {
    tenant = await createFakeTenant();
    const old = tenant.addKey({ roles: ["Viewer"], expiration: Date.now() + DAY });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const result = await clientOf(tenant).apiKeys.rotate(old.id, {
        handOver: vault(old).handOver,
        onProgress: async () => {
          throw new Error("the progress bar broke");
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(result.oldDeleted).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  test.each([
    ["keep_old", { keep_old: true }, "options.keep_old", "did you mean keepOld?"],
    ["expiration", { expiration: Date.now() + DAY }, "options.expiration", "did you mean expiresAt?"],
    ["handover", { handover: async () => undefined }, "options.handover", "did you mean handOver?"],
  ])("a misspelt option (%s) is refused, not ignored", async (_, options, field, hint) => {
    tenant = await createFakeTenant();
    const error = await clientOf(tenant)
      .apiKeys.rotate(5, { handOver: async () => undefined, ...options } as never)
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(XsiamValidationError);
    expect((error as XsiamValidationError).field).toBe(field);
    expect((error as Error).message).toContain(hint);
    expect(tenant.faults.calls()).toEqual({ generate: 0, list: 0, delete: 0 });
  });

  test.each([
    ["no handOver", { handOver: undefined }, "options.handOver"],
    ["keepOld not a boolean", { keepOld: "yes" }, "options.keepOld"],
    ["expiresAt in the past", { expiresAt: Date.now() - 1 }, "options.expiresAt"],
    ["expiresAt too far", { expiresAt: Date.now() + 200 * DAY }, "options.expiresAt"],
    ["checkAttempts 0", { checkAttempts: 0 }, "options.checkAttempts"],
    ["a signal that is not one", { signal: {} }, "options.signal"],
  ])("%s is refused before anything is sent", async (_, options, field) => {
    tenant = await createFakeTenant();
    const error = await clientOf(tenant)
      .apiKeys.rotate(5, { handOver: async () => undefined, ...options } as never)
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(XsiamValidationError);
    expect((error as XsiamValidationError).field).toBe(field);
    expect(tenant.faults.calls()).toEqual({ generate: 0, list: 0, delete: 0 });
  });

  test("it refuses to rotate the key the client signs with", async () => {
    tenant = await createFakeTenant();
    const error = await clientOf(tenant)
      .apiKeys.rotate(tenant.rootKey.id, { handOver: async () => undefined })
      .catch((failure: unknown) => failure);
    expect((error as XsiamValidationError).field).toBe("id");
    expect(tenant.faults.calls().list).toBe(0);
  });
});

describe("rotationExpiry", () => {
  const now = Date.UTC(2026, 0, 31);
  test.each([
    [
      "the old lifetime",
      { createdAt: new Date(now - 5 * DAY), expiresAt: new Date(now + 25 * DAY) },
      now + 30 * DAY,
      "old-lifetime",
    ],
    [
      "cut to six months, less a day",
      { createdAt: new Date(now - 400 * DAY), expiresAt: new Date(now) },
      Date.UTC(2026, 6, 30),
      "capped",
    ],
  ])("%s", (_, old, expected, expiry) => {
    expect(rotationExpiry(old, undefined, now)).toEqual({ expiresAt: new Date(expected), expiry });
  });

  test("a key that never expires has no inferred expiry; a given one is checked", () => {
    expect(rotationExpiry({ createdAt: new Date(now), expiresAt: null }, undefined, now)).toBeUndefined();
    expect(rotationExpiry({ createdAt: new Date(now), expiresAt: null }, now + DAY, now)).toEqual({
      expiresAt: new Date(now + DAY),
      expiry: "given",
    });
    expect(() => rotationExpiry({ createdAt: new Date(now), expiresAt: null }, now - DAY, now)).toThrow(
      "expiresAt must be in the future",
    );
  });
});
