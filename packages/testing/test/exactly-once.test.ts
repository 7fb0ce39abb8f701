// A generate that is exactly-once for the caller, against the fake tenant: whatever fault hits a
// call, afterwards the tenant holds the root key and the keys handed to callers, and nothing else.
// Every failure is an XsiamGenerateError that says what became of the key.
import { inspect } from "node:util";
import { runInNewContext } from "node:vm";
import {
  type GeneratedApiKey,
  type SettleProgress,
  XsiamApiError,
  type XsiamClientSettings,
  XsiamError,
  XsiamGenerateError,
} from "@xsiam-sdk/client";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { createFakeTenant, type FakeTenant, type FakeTenantOptions, type Fault } from "../src/index.js";
import { clientOf } from "./helpers.js";

const DAY = 86_400_000;
// Short, so that a reply delayed past it is a timeout; the delayed reply comes well after.
const TIMEOUT_MS = 400;
const DELAY_MS = 1_000;

let tenant: FakeTenant;
/** Every key the tenants minted (from their replies) and their root keys: none may reach an error. */
const minted = new Set<string>();
const counts = { calls: 0, faultsInjected: 0, actLater: 0, failures: 0, orphans: 0 };

async function start(options: FakeTenantOptions = {}): Promise<FakeTenant> {
  tenant = await createFakeTenant({
    // The limit is not what is tested here (a 429 is injected as a fault): without it, calls go at once.
    rateLimit: false,
    onExchange: ({ operation, status, responseBody }) => {
      if (operation === "generate" && status === 200)
        minted.add((responseBody as { reply: { key: string } }).reply.key);
    },
    ...options,
  });
  minted.add(tenant.rootKey.key);
  return tenant;
}
afterEach(() => tenant?.close());
afterAll(() => {
  console.log(`exactly-once: ${JSON.stringify(counts)}`);
});

// Only a delayed reply needs the short timeout: elsewhere a loaded machine must never make a reply
// miss it (the client could then give up on a request the tenant has not read yet, which is what
// "act later" is about, not this file).
// A failure that leaves the request possibly running on the service (a lost connection, a timeout,
// a 502) is waited for this long: the tenant's faults here have acted before they answer.
const settings: Partial<XsiamClientSettings> = {
  timeoutMs: 30_000,
  retryBaseDelayMs: 20,
  rateLimit: false,
  settleMs: 500,
};
const settingsFor = (fault: Fault): Partial<XsiamClientSettings> =>
  fault.kind === "delay-after" ? { ...settings, timeoutMs: TIMEOUT_MS } : settings;
const input = { roles: ["Viewer"], comment: "nightly export" };

/** Runs calls, keeping what each one came to. */
async function run(calls: Array<() => Promise<GeneratedApiKey>>) {
  counts.calls += calls.length;
  const settled = await Promise.allSettled(calls.map((call) => call()));
  const held = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failed = settled.flatMap((result) =>
    result.status === "rejected" ? [result.reason as unknown] : [],
  );
  counts.failures += failed.length;
  // No error holds a key the tenant minted, or the root key, in any printed form.
  for (const error of failed) {
    expect(error).toBeInstanceOf(XsiamError);
    const printed = [
      String(error),
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
    ].join("\n");
    for (const key of minted) expect(printed).not.toContain(key);
  }
  return { held, failed };
}

/** The invariant: the tenant holds exactly the root key and the keys callers hold. */
function expectNoOrphans(held: readonly GeneratedApiKey[]): void {
  const ids = tenant.keys().map((key) => key.id);
  const orphans = ids.filter((id) => id !== tenant.rootKey.id && !held.some((key) => key.id === id));
  counts.orphans += orphans.length;
  expect(orphans, "keys nobody holds").toEqual([]);
  expect(new Set(held.map((key) => key.id)).size, "two callers with one key").toBe(held.length);
  for (const key of held) expect(ids, `key ${key.id} was handed out, then deleted`).toContain(key.id);
  expect(ids).toHaveLength(held.length + 1);
}

/** A failure that states an outcome that leaves no key behind. */
function expectCleanFailure(error: unknown): void {
  // Refused with 429 on every try (the retries are tenant calls too, and may be the ones numbered
  // for the fault): the service turned each request away, so there is nothing to look for.
  if (error instanceof XsiamApiError && error.status === 429) return;
  expect(error).toBeInstanceOf(XsiamGenerateError);
  expect(["none", "deleted"]).toContain((error as XsiamGenerateError).outcome.kind);
}

const FAULTS: Array<[string, Fault]> = [
  ["the connection dropped after minting", { kind: "drop-after" }],
  ["a 500 after minting", { kind: "error-after", status: 500 }],
  ["the reply after the timeout", { kind: "delay-after", ms: DELAY_MS }],
  ["a 429 before minting", { kind: "refuse", status: 429 }],
  ["a 502 before minting", { kind: "refuse", status: 502 }],
];

describe.each(FAULTS)("%s", (_label, fault) => {
  test("sequentially, 6 times: each call gets its key, and no other key is left", async () => {
    await start();
    const xsiam = clientOf(tenant, tenant.rootKey, settingsFor(fault));
    const held: GeneratedApiKey[] = [];
    for (let call = 0; call < 6; call++) {
      tenant.faults.inject("generate", fault);
      counts.faultsInjected++;
      const { held: got, failed } = await run([() => xsiam.apiKeys.generate(input)]);
      expect(failed).toEqual([]);
      held.push(...got);
    }
    expectNoOrphans(held);
  }, 60_000);

  test("20 identical calls at once, 8 of them hit: 0 orphans, 0 duplicates, 0 callers' keys deleted", async () => {
    await start();
    const xsiam = clientOf(tenant, tenant.rootKey, settingsFor(fault));
    tenant.faults.inject("generate", fault, { calls: [1, 3, 4, 7, 10, 12, 15, 19] });
    counts.faultsInjected += 8;
    const { held, failed } = await run(Array.from({ length: 20 }, () => () => xsiam.apiKeys.generate(input)));
    for (const error of failed) expectCleanFailure(error);
    expect(held.length).toBeGreaterThanOrEqual(12);
    expectNoOrphans(held);
  }, 60_000);
});

test("every call hit, every retry too: each fails saying no key was left, and none is", async () => {
  await start();
  const xsiam = clientOf(tenant, tenant.rootKey, settings);
  tenant.faults.inject("generate", { kind: "error-after" }, { times: 60 });
  counts.faultsInjected += 60;
  const { held, failed } = await run(Array.from({ length: 10 }, () => () => xsiam.apiKeys.generate(input)));
  expect(held).toEqual([]);
  expect(failed).toHaveLength(10);
  for (const error of failed) {
    expectCleanFailure(error);
    expect(error).toMatchObject({ outcome: { kind: "deleted" }, tries: 3 });
    expect((error as Error).message).toMatch(
      /^generateApiKey failed \(HTTP 500: Internal server error\): key \d+ was created and has been deleted \[after 3 tries, each checked\]$/,
    );
    expect((error as Error).cause).toBeInstanceOf(XsiamApiError);
  }
  expectNoOrphans([]);
}, 60_000);

// The service still working after the client gave up: it mints after the client timed out (or
// after a gateway's 504), and the list right after the failure finds nothing. The client keeps
// looking for the call's marker until its window closes, and sends no retry meanwhile.
describe("act later: the key is minted after the client gave up", () => {
  const AFTER_MS = 700;
  const late: Partial<XsiamClientSettings> = { ...settings, timeoutMs: 250, settleMs: 4_000 };
  const ACT_LATER: Array<[string, Fault]> = [
    [
      "a timeout, then the key minted, then the reply",
      { kind: "act-later", afterMs: AFTER_MS, answerMs: 1_200 },
    ],
    [
      "a gateway's 504, and the key minted after it",
      { kind: "act-later", afterMs: 1_000, answerMs: 300, status: 504 },
    ],
  ];

  test.each(ACT_LATER)(
    "%s: sequentially, 4 times, each call gets its key, 0 orphans",
    async (_label, fault) => {
      await start();
      const xsiam = clientOf(tenant, tenant.rootKey, late);
      const held: GeneratedApiKey[] = [];
      for (let call = 0; call < 4; call++) {
        tenant.faults.inject("generate", fault);
        counts.faultsInjected++;
        counts.actLater++;
        const { held: got, failed } = await run([() => xsiam.apiKeys.generate(input)]);
        expect(failed).toEqual([]);
        held.push(...got);
      }
      await tenant.idle();
      expectNoOrphans(held);
    },
    60_000,
  );

  test.each(ACT_LATER)(
    "%s: 20 at once, 8 hit, one poller for all: 0 orphans, 0 duplicates",
    async (_label, fault) => {
      await start();
      let lists = 0;
      await tenant.close();
      await start({ onExchange: ({ operation }) => void (operation === "list" && lists++) });
      const xsiam = clientOf(tenant, tenant.rootKey, late);
      tenant.faults.inject("generate", fault, { calls: [1, 3, 4, 7, 10, 12, 15, 19] });
      counts.faultsInjected += 8;
      counts.actLater += 8;
      const { held, failed } = await run(
        Array.from({ length: 20 }, () => () => xsiam.apiKeys.generate(input)),
      );
      await tenant.idle();
      for (const error of failed) expectCleanFailure(error);
      expect(held).toHaveLength(20);
      expectNoOrphans(held);
      // Eight calls waiting at once share the rounds: far fewer lists than eight pollers would send.
      expect(lists).toBeLessThanOrEqual(8);
    },
    60_000,
  );

  test("onWait tells how the wait stands, from its start to each check; no retry is sent meanwhile", async () => {
    await start();
    const xsiam = clientOf(tenant, tenant.rootKey, late);
    tenant.faults.inject("generate", { kind: "act-later", afterMs: 1_500, answerMs: 2_000 });
    const seen: SettleProgress[] = [];
    const markers: string[] = [];
    const { held, failed } = await run([
      () =>
        xsiam.apiKeys.generate(input, {
          onSend: ({ marker }) => markers.push(marker),
          onWait: (progress) => {
            seen.push(progress);
            throw new Error("a hook that throws does not break the call");
          },
        }),
    ]);
    expect(failed).toEqual([]);
    await tenant.idle();
    expectNoOrphans(held);
    // The first attempt was waited for until its key appeared (and was deleted), then one retry.
    expect(markers).toHaveLength(2);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.map((progress) => progress.checks)).toEqual(seen.map((_, index) => index));
    for (const progress of seen) {
      expect(progress).toMatchObject({ marker: markers[0], windowMs: late.settleMs });
      expect(progress.waitedMs).toBeLessThan(1_500 + 1_000);
    }
    expect(seen.map((progress) => progress.waitedMs)).toEqual(
      [...seen.map((progress) => progress.waitedMs)].sort((a, b) => a - b),
    );
    expect(tenant.faults.calls().generate).toBe(2);
  }, 30_000);

  test("a child tenant's generate is waited for in the child tenant: its late key is found there, 0 orphans", async () => {
    await start();
    const xsiam = clientOf(tenant, tenant.rootKey, late);
    const child = { "x-child-tenant-id": "child-1" };
    tenant.faults.inject("generate", { kind: "act-later", afterMs: 1_000, answerMs: 1_500 });
    const { held, failed } = await run([() => xsiam.apiKeys.generate(input, { headers: child })]);
    expect(failed).toEqual([]);
    await tenant.idle();
    expect(tenant.keys("child-1").map((key) => key.id)).toEqual(held.map((key) => key.id));
    expect(tenant.keys().map((key) => key.id)).toEqual([tenant.rootKey.id]);
  }, 30_000);

  /** Runs `work`, then fails if any promise rejected unhandled meanwhile (or within 50 ms after). */
  const expectNoUnhandledRejection = async (work: () => Promise<void>) => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      await work();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  };

  test("an async onSend or onWait that rejects does not end the process: the wait goes on", async () => {
    await start();
    const xsiam = clientOf(tenant, tenant.rootKey, late);
    await expectNoUnhandledRejection(async () => {
      tenant.faults.inject("generate", { kind: "act-later", afterMs: 1_000, answerMs: 1_500 });
      const { held, failed } = await run([
        () =>
          xsiam.apiKeys.generate(input, {
            onSend: async () => {
              throw new Error("the log is down");
            },
            onWait: async () => {
              throw new Error("the progress bar is gone");
            },
          }),
      ]);
      expect(failed).toEqual([]);
      await tenant.idle();
      expectNoOrphans(held);
    });
  }, 30_000);

  test("a service that stores the expiration rounded to the second: the late key is still found by its marker", async () => {
    await start();
    // A proxy on the way rounds the expiration down to whole seconds.
    const rounding: typeof fetch = async (url, init) => {
      if (String(url).endsWith("/generate") && typeof init?.body === "string") {
        const body = JSON.parse(init.body);
        body.request_data.expiration = Math.floor(body.request_data.expiration / 1000) * 1000 - 1;
        return fetch(url, { ...init, body: JSON.stringify(body) });
      }
      return fetch(url, init);
    };
    const xsiam = clientOf(tenant, tenant.rootKey, { ...late, fetch: rounding });
    tenant.faults.inject("generate", { kind: "act-later", afterMs: 1_000, answerMs: 1_500 });
    const { held, failed } = await run([() => xsiam.apiKeys.generate(input)]);
    expect(failed).toEqual([]);
    await tenant.idle();
    expectNoOrphans(held);
  }, 30_000);

  test("every try's window closes before its key is minted: the error names every marker, and each late key has one", async () => {
    await start();
    const xsiam = clientOf(tenant, tenant.rootKey, { ...late, settleMs: 300, maxRetries: 2 });
    tenant.faults.inject(
      "generate",
      { kind: "act-later", afterMs: 2_000, answerMs: 100, status: 504 },
      { times: 3 },
    );
    const { failed } = await run([() => xsiam.apiKeys.generate(input)]);
    const [error] = failed as XsiamGenerateError[];
    expect(error).toBeInstanceOf(XsiamGenerateError);
    expect(error?.tries).toBe(3);
    expect(error?.lateMarkers).toHaveLength(3);
    expect(error?.lateMarkers.at(-1)).toBe(error?.marker);
    for (const marker of error?.lateMarkers ?? []) {
      expect(error?.message).toContain(`marker ${marker} (apiKeys.list() gives each key's marker)`);
    }
    await tenant.idle();
    const markers = (await clientOf(tenant).apiKeys.list()).map((key) => key.marker).filter(Boolean);
    expect(markers.sort()).toEqual([...(error?.lateMarkers ?? [])].sort());
  }, 30_000);

  test("a retry that succeeds after a window closed: onWait says closed, naming the marker whose key may come later", async () => {
    await start();
    const xsiam = clientOf(tenant, tenant.rootKey, { ...late, settleMs: 300 });
    tenant.faults.inject("generate", { kind: "act-later", afterMs: 1_500, answerMs: 100, status: 504 });
    const closed: string[] = [];
    const { held, failed } = await run([
      () =>
        xsiam.apiKeys.generate(input, {
          onWait: (progress) => void (progress.closed && closed.push(progress.marker)),
        }),
    ]);
    expect(failed).toEqual([]);
    expect(closed).toHaveLength(1);
    await tenant.idle();
    // The late key is outside the guarantee; the marker onWait named is how it is found.
    const orphans = (await clientOf(tenant).apiKeys.list()).filter(
      (key) => key.id !== tenant.rootKey.id && !held.some((mine) => mine.id === key.id),
    );
    expect(orphans.map((key) => key.marker)).toEqual(closed);
  }, 30_000);

  test("an onSend that throws before a later try ends the call with the earlier tries' error, late markers named", async () => {
    await start();
    const xsiam = clientOf(tenant, tenant.rootKey, { ...late, settleMs: 300 });
    tenant.faults.inject("generate", { kind: "act-later", afterMs: 1_500, answerMs: 100, status: 504 });
    const sent: string[] = [];
    const error = await xsiam.apiKeys
      .generate(input, {
        onSend: ({ marker, attempt }) => {
          if (attempt > 1) throw new Error("stop");
          sent.push(marker);
        },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(XsiamGenerateError);
    expect((error as XsiamGenerateError).lateMarkers).toEqual(sent);
    expect(tenant.faults.calls().generate).toBe(1);
    await tenant.idle();
  }, 30_000);

  test("an async hook of another realm (vm) that rejects does not end the process", async () => {
    await start();
    const xsiam = clientOf(tenant, tenant.rootKey, late);
    await expectNoUnhandledRejection(async () => {
      const rejecting = runInNewContext(
        "async () => { throw new Error('elsewhere'); }",
      ) as () => Promise<void>;
      tenant.faults.inject("generate", { kind: "act-later", afterMs: 800, answerMs: 1_000 });
      const { failed } = await run([
        () => xsiam.apiKeys.generate(input, { onSend: rejecting, onWait: rejecting }),
      ]);
      expect(failed).toEqual([]);
      await tenant.idle();
    });
  }, 30_000);

  test("onWait that is not a function is refused before anything is sent", async () => {
    await start();
    const error = await clientOf(tenant)
      .apiKeys.generate(input, { onWait: "progress" as unknown as () => void })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "XsiamValidationError", field: "options.onWait" });
    expect(tenant.faults.calls().generate ?? 0).toBe(0);
  });

  test("the window closes before the key is minted: the error says so and names the marker", async () => {
    await start();
    const xsiam = clientOf(tenant, tenant.rootKey, { ...late, settleMs: 500, maxRetries: 0 });
    tenant.faults.inject("generate", { kind: "act-later", afterMs: 2_000, answerMs: 2_500 });
    const { failed } = await run([() => xsiam.apiKeys.generate(input)]);
    const [error] = failed as XsiamGenerateError[];
    expect(error).toBeInstanceOf(XsiamGenerateError);
    expect(error?.outcome).toEqual({ kind: "none" });
    expect(error?.message).toContain(
      `no key was created within 1 s of sending; a key that appears later is not the client's to find: it has marker ${error?.marker} (apiKeys.list() gives each key's marker)`,
    );
    await tenant.idle();
    // It did appear, later, with the marker the error named, and list finds it by that marker.
    expect(tenant.keys().filter((key) => key.comment?.includes(error?.marker ?? "?"))).toHaveLength(1);
    const listed = await clientOf(tenant).apiKeys.list();
    expect(listed.filter((key) => key.marker === error?.marker)).toHaveLength(1);
  }, 30_000);
});

describe("when the client cannot clean up, it says exactly what to look for", () => {
  test("the key cannot list keys: the error says so and names the marker", async () => {
    await start({
      rolePermissions: { Minter: ["generate"], "Instance Administrator": ["generate", "list", "delete"] },
    });
    const minter = tenant.addKey({ roles: ["Minter"] });
    tenant.faults.inject("generate", { kind: "drop-after" });
    const { failed } = await run([() => clientOf(tenant, minter, settings).apiKeys.generate(input)]);
    const [error] = failed as XsiamGenerateError[];
    expect(error).toBeInstanceOf(XsiamGenerateError);
    expect(error?.outcome).toEqual({
      kind: "unknown",
      reason: "the key cannot list keys: HTTP 403",
      candidates: [],
    });
    expect(error?.marker).toMatch(/^\[xsiam-sdk:[A-Za-z0-9]{16}\]$/);
    expect(error?.message).toContain(
      `could not check (the key cannot list keys: HTTP 403): look for the key with marker ${error?.marker} (apiKeys.list() gives each key's marker)`,
    );
    // It is there, with that marker, for the user to find.
    const orphan = tenant.keys().find((key) => key.comment?.includes(error?.marker ?? "?"));
    expect(orphan?.comment).toBe(`nightly export ${error?.marker}`);
    const listed = await clientOf(tenant).apiKeys.list();
    expect(listed.find((key) => key.marker === error?.marker)).toMatchObject({
      id: orphan?.id,
      comment: "nightly export",
    });
  });

  test("a key that may be the call's but has no marker: nothing is deleted, the candidates are named", async () => {
    await start();
    const expiration = Date.now() + 3 * DAY;
    const lookalike = tenant.addKey({ roles: ["Viewer"], expiration, comment: "made by hand" });
    tenant.faults.inject("generate", { kind: "error-after" });
    const { failed } = await run([
      () => clientOf(tenant, tenant.rootKey, settings).apiKeys.generate({ roles: ["Viewer"], expiration }),
    ]);
    const [error] = failed as XsiamGenerateError[];
    expect(error?.outcome).toMatchObject({ kind: "unknown", reason: "keys without a marker match the call" });
    const ids = tenant.keys().map((key) => key.id);
    expect(ids).toContain(lookalike.id);
    expect([...(error?.outcome.kind === "unknown" ? error.outcome.candidates : [])].sort()).toEqual(
      ids.filter((id) => id !== tenant.rootKey.id).sort(),
    );
    expect(error?.message).toMatch(
      /could not single out the key \(keys without a marker match the call\): keys \d+, \d+ may be it, none was deleted/,
    );
  });

  test("the delete fails: the key is named, to be deleted", async () => {
    await start();
    tenant.faults.inject("generate", { kind: "drop-after" });
    tenant.faults.inject("delete", { kind: "refuse", status: 503 }, { times: 3 });
    const { failed } = await run([() => clientOf(tenant, tenant.rootKey, settings).apiKeys.generate(input)]);
    const [error] = failed as XsiamGenerateError[];
    const left = tenant.keys().find((key) => key.id !== tenant.rootKey.id);
    // A 503 may come from a gateway whose service still deletes the key: the message says so.
    expect(error?.outcome).toEqual({
      kind: "left",
      id: left?.id,
      reason: "HTTP 503: Service unavailable, though the service may still delete it",
    });
    expect(error?.message).toContain(
      `key ${left?.id} was created and could not be deleted (HTTP 503: Service unavailable, though the service may still delete it): delete it`,
    );
  });

  test("listing fails: could not check, with the marker", async () => {
    await start();
    tenant.faults.inject("generate", { kind: "error-after" });
    tenant.faults.inject("list", { kind: "refuse", status: 502 }, { times: 3 });
    const { failed } = await run([() => clientOf(tenant, tenant.rootKey, settings).apiKeys.generate(input)]);
    expect((failed[0] as XsiamGenerateError).outcome).toEqual({
      kind: "unknown",
      reason: "listing failed with HTTP 502",
      candidates: [],
    });
  });

  test("the caller aborts while the request is out: not checked, the marker is named", async () => {
    await start();
    tenant.faults.inject("generate", { kind: "delay-after", ms: DELAY_MS });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const { failed } = await run([
      () => clientOf(tenant).apiKeys.generate(input, { signal: controller.signal }),
    ]);
    expect((failed[0] as XsiamGenerateError).outcome).toEqual({
      kind: "unknown",
      reason: "the call was aborted; the service may still mint its key",
      candidates: [],
    });
  });

  test("reconcile: false leaves the key, as before, and says a key may exist", async () => {
    await start();
    tenant.faults.inject("generate", { kind: "error-after" });
    const { failed } = await run([
      () =>
        clientOf(tenant, tenant.rootKey, { ...settings, reconcileGenerate: false }).apiKeys.generate(input),
    ]);
    expect(failed[0]).toBeInstanceOf(XsiamApiError);
    expect((failed[0] as XsiamApiError).hint).toMatch(/A key may have been created/);
    expect(tenant.keys()).toHaveLength(2);
  });
});

test("the flow Prism cannot run: generate, list shows it, delete, list does not", async () => {
  await start();
  const xsiam = clientOf(tenant);
  const { id } = await xsiam.apiKeys.generate({ roles: ["Viewer"], comment: "flow" });
  expect((await xsiam.apiKeys.list({ roles: ["Viewer"] })).map((key) => key.id)).toEqual([id]);
  expect(await xsiam.apiKeys.get(id)).toMatchObject({
    id,
    roles: ["Viewer"],
    comment: "flow",
    marker: expect.stringMatching(/^\[xsiam-sdk:[A-Za-z0-9]{16}\]$/),
  });
  expect(await xsiam.apiKeys.delete([id])).toEqual({ updateCount: 1 });
  expect(await xsiam.apiKeys.list({ roles: ["Viewer"] })).toEqual([]);
  expect(await xsiam.apiKeys.get(id)).toBeUndefined();
});

test("list and get give the comment back as it was written, and the call's marker on its own field", async () => {
  await start();
  const xsiam = clientOf(tenant);
  const looksMarked = `copied [xsiam-sdk:${"a".repeat(16)}]`;
  const written = ["nightly export", "ends with a space ", looksMarked, "  ", undefined];
  const made = [];
  for (const comment of written) {
    made.push(await xsiam.apiKeys.generate({ roles: ["Viewer"], ...(comment !== undefined && { comment }) }));
  }
  const listed = await xsiam.apiKeys.list({ ids: made.map((key) => key.id) });
  const byId = new Map(listed.map((key) => [key.id, key]));
  expect(made.map((key) => byId.get(key.id)?.comment)).toEqual([
    "nightly export",
    "ends with a space ",
    looksMarked,
    "  ",
    null,
  ]);
  const markers = made.map((key) => byId.get(key.id)?.marker);
  for (const marker of markers) expect(marker).toMatch(/^\[xsiam-sdk:[A-Za-z0-9]{16}\]$/);
  expect(new Set(markers).size).toBe(written.length);
  // A key made without a marker (reconcile off, or by another tool) keeps all of its comment.
  const plain = await xsiam.apiKeys.generate(
    { roles: ["Viewer"], comment: "by hand [x]" },
    { reconcile: false },
  );
  expect(await xsiam.apiKeys.get(plain.id)).toMatchObject({ comment: "by hand [x]", marker: null });
});
