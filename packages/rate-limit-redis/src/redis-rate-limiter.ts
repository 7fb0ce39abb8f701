import {
  escapeText,
  type RateLimiter,
  XsiamAbortError,
  XsiamError,
  type XsiamLogger,
  XsiamValidationError,
} from "@xsiam-sdk/client";
import { GCRA_SCRIPT, GCRA_SHA } from "./internal/gcra.js";

/** What the limiter needs of a Redis client: scripting, as the official `redis` package offers it. */
export interface RedisScripting {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Options of `createRedisRateLimiter`. Give `url` or `client`. */
export interface RedisRateLimiterOptions {
  /**
   * A Redis URL, `redis://` or `rediss://`, e.g. `redis://127.0.0.1:6379` (checked when the limiter
   * is created): the limiter connects with the `redis` package and closes that connection in `close()`.
   */
  url?: string | undefined;
  /** Or a client of the `redis` package (node-redis) you connect and close yourself. */
  client?: RedisScripting | undefined;
  /**
   * The Redis key of the tenant's budget: every process that uses the same key shares one limit.
   * Name the tenant in it, e.g. `xsiam:rate:mytenant`.
   */
  key: string;
  /**
   * Requests per second the tenant allows, across all processes.
   * @default 10
   */
  requestsPerSecond?: number | undefined;
  /**
   * Added to every slot's spacing, in milliseconds: room for the time between a slot and the
   * request's arrival at the service, which varies between processes and machines (scheduling,
   * timers, the network, and most of all a process's first request, which opens its connection).
   * Without it, several processes on a small machine let some requests through too early for a
   * strict 1-second window; each millisecond of it costs a share of the rate. `pnpm bench`
   * (section 7) measures both, for several margins; the README gives the latest figures.
   * @default 5
   */
  marginMs?: number | undefined;
  /**
   * When Redis is down or slow: `"fallback"` goes on with an in-process limiter at the same rate
   * (with one warning to `logger`) and uses Redis again once it answers; `"fail"` rejects the
   * request with `XsiamRedisRateLimitError`.
   * @default "fallback"
   */
  onRedisFailure?: "fallback" | "fail" | undefined;
  /**
   * How long one Redis call may take before it counts as a failure.
   * @default 500
   */
  redisTimeoutMs?: number | undefined;
  /**
   * While falling back, how often to try Redis again.
   * @default 1000
   */
  retryRedisAfterMs?: number | undefined;
  /**
   * The longest a request may wait for its slot, in milliseconds. A legitimate wait grows with the
   * number of processes waiting on the key at once (each holds at most one slot ahead, about
   * `1000 / requestsPerSecond + marginMs` apart): 60 s is room for about 570 of them at 10 per
   * second. A request whose slot is further away fails with `XsiamRedisRateLimitError` and is not
   * sent, and takes no slot. A stored time further ahead than any limiter can reserve (beyond
   * 10 minutes and one slot) is not a budget at all: the script resets it.
   * @default 60000
   */
  maxWaitMs?: number | undefined;
  /** Receives a warning when the limiter falls back to one process, and when Redis is back. `console` fits. */
  logger?: XsiamLogger | undefined;
}

/** A rate limiter whose budget lives in Redis, shared by every process that uses the same key. */
export interface RedisRateLimiter extends RateLimiter {
  /** Whether it currently uses Redis (`"shared"`) or, Redis being unavailable, this process alone. */
  readonly mode: "shared" | "fallback";
  /** Rejects the requests still waiting, clears its timers and closes the connection it opened. */
  close(): Promise<void>;
}

/**
 * The request was not sent: Redis failed (down, slow, or an error) and the limiter was told to
 * fail rather than fall back, or the request's slot was further away than `maxWaitMs`.
 */
export class XsiamRedisRateLimitError extends XsiamError {
  override name: "XsiamRedisRateLimitError" = "XsiamRedisRateLimitError" as const;
}

const PREFIX = "@xsiam-sdk/rate-limit-redis:";
/** The greatest `maxWaitMs`: no limiter reserves a slot further ahead than this (and one interval). */
const MAX_WAIT_LIMIT_MS = 600_000;
// The most of what Redis said that a warning or an error quotes.
const MAX_CAUSE_LENGTH = 200;

/** The slot was further away than the caller's `maxWaitMs`: the script reserved nothing. */
class TooFar extends Error {
  constructor(readonly aheadMs: number) {
    super("the slot is too far away");
  }
}

/** Where a Redis URL points, without its credentials, e.g. `127.0.0.1:6379`. */
function hostOf(url: string | undefined): string | undefined {
  try {
    return url === undefined ? undefined : new URL(url).host;
  } catch {
    return undefined;
  }
}

/** The user name and password of a Redis URL, as written and decoded: what no warning may repeat. */
function credentialsOf(url: string | undefined): string[] {
  try {
    if (url === undefined) return [];
    const { username, password } = new URL(url);
    // A user name is redacted only when it is long enough not to be part of ordinary words.
    const user = username.length >= 4 ? [username, decode(username)] : [];
    return [...new Set([password, decode(password), ...user])]
      .filter((value) => value !== "")
      .sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function positive(name: string, value: number, max: number): number {
  if (!(typeof value === "number" && Number.isFinite(value) && value > 0 && value <= max)) {
    throw new XsiamValidationError(name, `must be a number above 0 and at most ${max}`);
  }
  return value;
}

/** The error of a wait that ended before its slot: aborted by the caller, or the limiter closed. */
function notWaited(message: string, cause?: unknown): XsiamAbortError {
  return new XsiamAbortError(message, { cause, attempts: 0, maxAttempts: 0 });
}

/** The URL's protocol, e.g. `redis:`, or "" when it is no URL. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}

function protocolOf(url: unknown): string {
  try {
    return typeof url === "string" ? new URL(url).protocol : "";
  } catch {
    return "";
  }
}

/** Rejects after `ms` unless `work` settles first. */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Creates a limiter that spaces requests by the tenant's limit across every process that uses the
 * same Redis `key` (GCRA in one Lua script, with Redis's clock). Pass it as `rateLimit`.
 *
 * Each process keeps its own callers in order and asks Redis for one slot at a time. If Redis is
 * down or slow, it falls back to an in-process limiter at the same rate (or fails, with
 * `onRedisFailure: "fail"`), and uses Redis again once it answers.
 *
 * @example
 * const rateLimit = createRedisRateLimiter({ url: process.env.REDIS_URL, key: "xsiam:rate:mytenant", logger: console });
 * const xsiam = createXsiamClientFromEnv(process.env, { rateLimit });
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  if (typeof options !== "object" || options === null)
    throw new XsiamValidationError("options", "must be an object");
  // Own properties only, as the client reads its options: a polluted Object.prototype sets none.
  const own = <K extends keyof RedisRateLimiterOptions>(name: K): RedisRateLimiterOptions[K] | undefined =>
    Object.hasOwn(options, name) ? options[name] : undefined;
  const url = own("url");
  const given = own("client");
  const key = own("key");
  const requestsPerSecond = own("requestsPerSecond") ?? 10;
  const marginMs = own("marginMs") ?? 5;
  const onRedisFailure = own("onRedisFailure") ?? "fallback";
  const redisTimeoutMs = own("redisTimeoutMs") ?? 500;
  const retryRedisAfterMs = own("retryRedisAfterMs") ?? 1_000;
  const maxWaitMs = own("maxWaitMs") ?? 60_000;
  const logger = own("logger");
  if ((url === undefined) === (given === undefined))
    throw new XsiamValidationError("url", "or client is required (one of them)");
  // Checked here, not left to the connection: a URL that cannot work would otherwise only fall
  // back, and the parser's error keeps the whole URL, password included. The value is not shown.
  if (url !== undefined && !["redis:", "rediss:"].includes(protocolOf(url))) {
    throw new XsiamValidationError(
      "url",
      "must be a redis:// or rediss:// URL (its value is not shown: it may hold a password)",
    );
  }
  // The path is the database number: node-redis throws on any other, after the connection began.
  if (url !== undefined && !/^\/?\d*$/.test(pathOf(url))) {
    throw new XsiamValidationError(
      "url",
      "must end with the host, or a database number (redis://host:6379/2); its value is not shown: it may hold a password",
    );
  }
  if (typeof key !== "string" || key === "")
    throw new XsiamValidationError("key", "must be a non-empty string");
  positive("requestsPerSecond", requestsPerSecond, 10_000);
  if (!(typeof marginMs === "number" && marginMs >= 0 && marginMs < 1_000)) {
    throw new XsiamValidationError("marginMs", "must be a number from 0 to 999");
  }
  if (onRedisFailure !== "fallback" && onRedisFailure !== "fail") {
    throw new XsiamValidationError("onRedisFailure", 'must be "fallback" or "fail"');
  }
  positive("redisTimeoutMs", redisTimeoutMs, 60_000);
  positive("retryRedisAfterMs", retryRedisAfterMs, 3_600_000);
  positive("maxWaitMs", maxWaitMs, MAX_WAIT_LIMIT_MS);

  const intervalMs = 1_000 / requestsPerSecond + marginMs;
  const intervalMicros = Math.round(intervalMs * 1_000);
  const scriptArguments = [
    String(intervalMicros),
    String(Math.round(maxWaitMs * 1_000)),
    String(MAX_WAIT_LIMIT_MS * 1_000 + intervalMicros),
  ];
  // Named in warnings and errors: the host, never the URL (it may hold a password).
  const host = hostOf(url);
  // What Redis (or whatever answers at its address) says, as a warning quotes it: without the URL's
  // user name and password (a hostile server can echo the AUTH it was sent), with its control
  // characters escaped (it cannot forge a log line), and short.
  const credentials = credentialsOf(url);
  const said = (text: string) =>
    escapeText(credentials.reduce((clean, secret) => clean.split(secret).join("[redacted]"), text)).slice(
      0,
      MAX_CAUSE_LENGTH,
    );
  const where = host === undefined ? "Redis" : `Redis at ${host}`;
  // The last connection error the Redis client reported: why a command says only "offline".
  let connectionError: Error | undefined;
  let owned: { destroy(): void; close?: () => Promise<void> } | undefined;
  let redis: Promise<RedisScripting>;
  if (given) {
    redis = Promise.resolve(given);
  } else {
    redis = import("redis").then(async ({ createClient }) => {
      const client = createClient({
        url: url as string,
        // Fail at once while disconnected: a command queued until Redis returns would hold up every caller.
        disableOfflineQueue: true,
        socket: {
          connectTimeout: redisTimeoutMs,
          reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000),
        },
      });
      // Connection errors arrive as events too; unhandled, they would end the process. The last
      // one is the cause a warning names (a command sent meanwhile fails as "The client is offline").
      client.on("error", (error: unknown) => {
        if (error instanceof Error) connectionError = error;
      });
      client.on("ready", () => {
        connectionError = undefined;
      });
      owned = client;
      // The first request waits for the connection (up to redisTimeoutMs): without the offline
      // queue, a command sent before it is up would fail, and the limiter would fall back at once.
      const connecting = client.connect();
      await within(connecting, redisTimeoutMs).catch(() => undefined);
      connecting.catch(() => undefined);
      return client as unknown as RedisScripting;
    });
    // A client that cannot be made fails the calls that wait for it (a Redis failure each, as any
    // other); until one does, its rejection must not end the process as an unhandled one.
    redis.catch(() => undefined);
  }

  /** The wait for the next slot, in milliseconds, from Redis: EVALSHA, and EVAL when Redis lacks the script. */
  const reserve = async (): Promise<number> => {
    const client = await redis;
    const call = { keys: [key], arguments: scriptArguments };
    const run = client.evalSha(GCRA_SHA, call).catch((error: unknown) => {
      if (error instanceof Error && error.message.startsWith("NOSCRIPT"))
        return client.eval(GCRA_SCRIPT, call);
      throw error;
    });
    // An integer reply, as node-redis and ioredis give it: anything else (null, "", false) is not
    // a wait of 0, which would let the request go at once.
    const reply = await within(run, redisTimeoutMs);
    const micros = typeof reply === "number" || typeof reply === "bigint" ? Number(reply) : Number.NaN;
    if (!Number.isFinite(micros)) throw new Error("the script answered something that is not a wait");
    if (micros < 0) throw new TooFar(-micros / 1_000);
    return micros / 1_000;
  };

  type Waiter = {
    resolve: () => void;
    reject: (error: unknown) => void;
    signal: AbortSignal | undefined;
    onAbort: () => void;
  };
  const queue: Waiter[] = [];
  let busy = false;
  let closed = false;
  let sleeping: { timer: ReturnType<typeof setTimeout>; wake: () => void } | undefined;
  let fallbackUntil = 0;
  let mode: "shared" | "fallback" = "shared";
  // The slot this process last let a request go at (the time it was meant for, not when its timer
  // fired, so that timer lateness does not add up): a fallback goes on from there, one interval
  // later, since the slots it took from the shared budget were spent at the service all the same.
  let lastGrant = Number.NEGATIVE_INFINITY;

  const leave = (waiter: Waiter) => {
    const index = queue.indexOf(waiter);
    if (index !== -1) queue.splice(index, 1);
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
  };
  /** Waits `ms` for a reserved slot; if every waiter leaves meanwhile, stops waiting (no timer stays behind). */
  const sleep = (ms: number) =>
    new Promise<void>((wake) => {
      if (ms <= 0) return wake();
      sleeping = { timer: setTimeout(wake, ms), wake };
    }).finally(() => {
      sleeping = undefined;
    });

  /** Why Redis failed, in a few words: the connection's own error where the command only says "offline". */
  const causeOf = (error: unknown): string => {
    const message = error instanceof Error ? error.message : String(error);
    return said(connectionError && /offline|closed/i.test(message) ? connectionError.message : message);
  };

  const useRedisFailure = (error: unknown): Error | undefined => {
    if (onRedisFailure === "fail") {
      return new XsiamRedisRateLimitError(`${PREFIX} ${where} is unavailable (${causeOf(error)})`, {
        cause: error,
      });
    }
    if (mode === "shared") {
      logger?.warn?.(
        `${PREFIX} ${where} is unavailable (${causeOf(error)}); limiting this process alone to ${requestsPerSecond} per second, counting the requests it already sent, until it answers`,
      );
    }
    mode = "fallback";
    fallbackUntil = Date.now() + retryRedisAfterMs;
    return undefined;
  };

  /** The request's slot was further away than `maxWaitMs`: it is refused, and took no slot. */
  const tooFar = (error: TooFar) =>
    new XsiamRedisRateLimitError(
      `${PREFIX} the next free slot of key ${JSON.stringify(key)} is ${error.aheadMs < 10_000 ? `${Math.round(error.aheadMs)} ms` : `${Math.round(error.aheadMs / 1_000)} s`} away, more than maxWaitMs (${maxWaitMs} ms) allows; nothing was sent. Too many processes share the key, or their requests per second are set lower than the tenant's`,
    );

  /** Lets the first waiter through once its slot comes, then the next: one slot at a time. */
  const pump = async (): Promise<void> => {
    if (busy || closed) return;
    busy = true;
    try {
      while (queue.length > 0 && !closed) {
        const head = queue[0] as Waiter;
        let slot: number;
        if (mode === "fallback" && Date.now() < fallbackUntil) {
          // This process alone, spaced as the shared budget spaces all: its own recent requests count.
          slot = Math.max(Date.now(), lastGrant + intervalMs);
          await sleep(slot - Date.now());
          if (queue.length === 0) break;
        } else {
          let wait: number;
          try {
            wait = await reserve();
          } catch (error) {
            if (error instanceof TooFar) {
              leave(head);
              head.reject(tooFar(error));
              continue;
            }
            const failure = useRedisFailure(error);
            if (failure) {
              leave(head);
              head.reject(failure);
            }
            continue;
          }
          if (mode === "fallback") logger?.warn?.(`${PREFIX} Redis answers again; the limit is shared again`);
          mode = "shared";
          if (queue.length === 0) break;
          // Never sooner than one slot after this process's last request: a Redis restarted empty
          // (or a key deleted) does not know what this process sent a moment ago.
          slot = Math.max(Date.now() + wait, lastGrant + intervalMs);
          await sleep(slot - Date.now());
        }
        // The slot goes to whoever is first now: a waiter that left passed its slot on.
        const first = queue[0];
        if (first && !closed) {
          leave(first);
          lastGrant = slot;
          first.resolve();
        }
      }
    } finally {
      busy = false;
    }
  };

  return {
    requestsPerSecond,
    get mode() {
      return mode;
    },
    acquire(signal) {
      if (closed) return Promise.reject(notWaited(`${PREFIX} the limiter is closed`));
      if (signal?.aborted) {
        return Promise.reject(notWaited("aborted while waiting for the rate limit", signal.reason));
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          reject,
          signal,
          onAbort: () => {
            leave(waiter);
            reject(notWaited("aborted while waiting for the rate limit", signal?.reason));
            // Nobody left to give the reserved slot to: stop waiting for it.
            if (queue.length === 0 && sleeping) {
              clearTimeout(sleeping.timer);
              sleeping.wake();
            }
          },
        };
        signal?.addEventListener("abort", waiter.onAbort, { once: true });
        queue.push(waiter);
        void pump();
      });
    },
    async close() {
      closed = true;
      if (sleeping) {
        clearTimeout(sleeping.timer);
        sleeping.wake();
      }
      for (const waiter of queue.splice(0)) {
        waiter.signal?.removeEventListener("abort", waiter.onAbort);
        waiter.reject(notWaited(`${PREFIX} the limiter was closed while the call waited`));
      }
      await redis.catch(() => undefined);
      if (owned) {
        const client = owned;
        owned = undefined;
        await (client.close?.() ?? Promise.resolve()).catch(() => client.destroy());
      }
    },
  };
}
