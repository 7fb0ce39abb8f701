import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createFaults, type Fault, type FaultControl, type Operation } from "./faults.js";
import { authenticates, claimedKeyId, NonceLog } from "./internal/auth.js";
import { RateWindow } from "./internal/rate-window.js";
import {
  deleteRequest,
  generateRequest,
  InvalidBody,
  type ListFilter,
  listRequest,
} from "./internal/requests.js";
import { KeyStore, newSecret, type StoredKey } from "./internal/store.js";

/** How a key authenticates: as it is (`standard`), or by signing every request (`advanced`). */
export type SecurityLevel = "advanced" | "standard";

/** A key a test can use: its id, the secret, and its level. */
export interface UsableKey {
  readonly id: number;
  readonly key: string;
  readonly securityLevel: SecurityLevel;
}

/** What the tenant holds about a key, without its secret. */
export interface TenantKey {
  readonly id: number;
  readonly roles: readonly string[];
  readonly securityLevel: SecurityLevel;
  readonly comment: string | null;
  readonly createdAt: Date;
  /** `null` for a key that never expires. */
  readonly expiresAt: Date | null;
  readonly createdBy: string;
  readonly userName: string;
  /** Created through the public API (such a key cannot generate keys), not in the console. */
  readonly createdViaApi: boolean;
}

/** One request the tenant answered, and its answer, secrets included. */
export interface Exchange {
  /** The endpoint, or `undefined` for a path that is none of the three. */
  readonly operation: Operation | undefined;
  readonly method: string;
  readonly path: string;
  readonly requestHeaders: Readonly<Record<string, string>>;
  /** The body as received, parsed from JSON where it was JSON. */
  readonly requestBody: unknown;
  /** The status sent, or 0 when the connection was dropped instead (a `drop-after` fault). */
  readonly status: number;
  /** The body as sent; `undefined` when the connection was dropped instead. */
  readonly responseBody: unknown;
  /** The fault injected into this call, if any: its answer is the fault's, not the service's. */
  readonly fault: Fault | undefined;
}

/** Options of `createFakeTenant`. */
export interface FakeTenantOptions {
  /**
   * The root key's level.
   * @default "advanced"
   */
  rootSecurityLevel?: SecurityLevel | undefined;
  /**
   * The root key's roles.
   * @default ["Instance Administrator"]
   */
  rootRoles?: readonly string[] | undefined;
  /**
   * Which operations each role may call; a key may call what any of its roles may, and gets the
   * service's 403 for a missing permission otherwise.
   * @default { "Instance Administrator": ["generate", "list", "delete"] }
   */
  rolePermissions?: Readonly<Record<string, readonly Operation[]>> | undefined;
  /**
   * How get_api_keys names its reply: `"upper"` (`DATA`, `FILTER_COUNT`, `TOTAL_COUNT`) as real
   * tenants do, or `"lower"` as the vendor's schema does.
   * @default "upper"
   */
  listCasing?: "upper" | "lower" | undefined;
  /**
   * Requests the tenant takes in any sliding second, across all endpoints, before it answers 429;
   * `false` for no limit.
   * @default 10
   */
  rateLimit?: number | false | undefined;
  /**
   * The most keys one get_api_keys reply holds.
   * @default 100
   */
  pageSize?: number | undefined;
  /**
   * The tenant's clock, in epoch milliseconds.
   * @default Date.now
   */
  now?: (() => number) | undefined;
  /**
   * The port on 127.0.0.1.
   * @default a free one
   */
  port?: number | undefined;
  /** Called with every request and its answer: for checking the tenant against the spec, or debugging. */
  onExchange?: ((exchange: Exchange) => void) | undefined;
}

/** What `addKey` creates. */
export interface NewKey {
  roles: readonly string[];
  /** @default "advanced" */
  securityLevel?: SecurityLevel | undefined;
  /** Epoch milliseconds (in the past for an expired key), or `null` for none. @default null */
  expiration?: number | null | undefined;
  /** @default null */
  comment?: string | null | undefined;
  /** As if created through the public API: it cannot generate keys. @default false */
  createdViaApi?: boolean | undefined;
  /** The child tenant to create it in. @default the tenant itself */
  childTenantId?: string | undefined;
}

/** A running fake tenant. */
export interface FakeTenant {
  /** Where it listens: pass it as `baseUrl`. */
  readonly baseUrl: string;
  /** A key created "in the console": it may generate keys. */
  readonly rootKey: UsableKey;
  /** The keys the tenant (or one of its child tenants) holds now, without secrets, oldest first. */
  keys(childTenantId?: string): TenantKey[];
  /** Creates a key directly, as the console would: for a test that needs one set up. */
  addKey(key: NewKey): UsableKey;
  /** Faults to inject, per operation and per call. */
  readonly faults: FaultControl;
  /**
   * Resolves once every request held by an `act-later` fault has acted (minted, deleted): then the
   * keys are what the service will hold.
   */
  idle(): Promise<void>;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

const PATHS: Readonly<Record<string, Operation>> = {
  "/public_api/v1/api_keys/generate": "generate",
  "/public_api/v1/api_keys/delete": "delete",
  "/public_api/v1/api_keys/get_api_keys": "list",
};
const MAX_BODY_BYTES = 1 << 20;
const DAY_MS = 86_400_000;
// The default lifetime of a key created without an expiration, and the longest allowed: six
// calendar months are at most 184 days.
const DEFAULT_LIFETIME_MS = 7 * DAY_MS;
const MAX_LIFETIME_MS = 184 * DAY_MS;
const API_MINTED = "An API Key created in a public API call cannot generate new API Keys";
const REFUSALS = {
  403: "Insufficient permissions",
  429: "Too many requests",
  502: "Bad gateway",
  503: "Service unavailable",
};

type Reply = { status: number; body: unknown };

const envelope = (status: number, message: string, extra: unknown = null): Reply => ({
  status,
  body: { reply: { err_code: status, err_msg: message, err_extra: extra } },
});
// The service's answer to any authentication failure: the same bare 401 whatever the cause.
const UNAUTHORIZED = envelope(401, "Public API request unauthorized");

function publicView(key: StoredKey): TenantKey {
  return {
    id: key.id,
    roles: [...key.roles],
    securityLevel: key.securityLevel,
    comment: key.comment,
    createdAt: new Date(key.createdAt),
    expiresAt: key.expiration === null ? null : new Date(key.expiration),
    createdBy: key.createdBy,
    userName: key.userName,
    createdViaApi: key.viaApi,
  };
}

/** Whether a key matches one list filter. A key that never expires is after any time, before none. */
function matches(key: StoredKey, filter: ListFilter): boolean {
  switch (filter.field) {
    case "id":
      return filter.value.includes(key.id);
    case "roles":
      return filter.value.every((role) => key.roles.includes(role));
    case "expiration": {
      const expiration = key.expiration ?? Number.POSITIVE_INFINITY;
      return filter.operator === "gte" ? expiration >= filter.value : expiration <= filter.value;
    }
  }
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/**
 * Starts an in-memory Cortex XSIAM tenant on 127.0.0.1: the three API key endpoints as
 * spec/openapi.yaml describes them, with the service's auth (standard and advanced keys, a
 * five-minute clock window, replayed nonces refused), its rules for expirations and for keys
 * created by the API, child tenants, its 10-per-second limit, and faults to inject.
 *
 * @example
 * const tenant = await createFakeTenant();
 * const xsiam = createXsiamClient({ baseUrl: tenant.baseUrl, apiKey: tenant.rootKey.key, apiKeyId: tenant.rootKey.id });
 * const { id } = await xsiam.apiKeys.generate({ roles: ["Viewer"] });
 * expect(tenant.keys().map((key) => key.id)).toContain(id);
 * await tenant.close();
 */
export async function createFakeTenant(options: FakeTenantOptions = {}): Promise<FakeTenant> {
  const {
    rootSecurityLevel = "advanced",
    rootRoles = ["Instance Administrator"],
    rolePermissions = { "Instance Administrator": ["generate", "list", "delete"] },
    listCasing = "upper",
    rateLimit = 10,
    pageSize = 100,
    now = Date.now,
    port = 0,
    onExchange,
  } = options;
  if (rateLimit !== false && !(Number.isInteger(rateLimit) && rateLimit > 0)) {
    throw new TypeError("@xsiam-sdk/testing: rateLimit must be a positive integer or false");
  }
  if (!(Number.isInteger(pageSize) && pageSize > 0)) {
    throw new TypeError("@xsiam-sdk/testing: pageSize must be a positive integer");
  }
  const parent = new KeyStore();
  const children = new Map<string, KeyStore>();
  const storeOf = (childTenantId: string | undefined): KeyStore => {
    if (childTenantId === undefined) return parent;
    const store = children.get(childTenantId) ?? new KeyStore();
    children.set(childTenantId, store);
    return store;
  };
  const nonces = new NonceLog();
  const window = rateLimit === false ? undefined : new RateWindow(rateLimit);
  const faults = createFaults();
  let nextId = 1;

  const mint = (key: Omit<StoredKey, "id" | "secret" | "userName" | "createdAt">, store: KeyStore) => {
    const id = nextId++;
    return store.add({ ...key, id, secret: newSecret(), userName: `Public API - ${id}`, createdAt: now() });
  };
  const usable = ({ id, secret, securityLevel }: StoredKey): UsableKey => ({
    id,
    key: secret,
    securityLevel,
  });

  const root = mint(
    {
      securityLevel: rootSecurityLevel,
      roles: [...rootRoles],
      comment: "root key (console)",
      expiration: null,
      createdBy: "admin@tenant.test",
      viaApi: false,
    },
    parent,
  );

  /** What the service does with one authenticated, well-formed request. */
  function act(operation: Operation, caller: StoredKey, body: unknown, store: KeyStore): Reply {
    if (
      !caller.roles.some(
        (role) => Object.hasOwn(rolePermissions, role) && rolePermissions[role]?.includes(operation),
      )
    ) {
      return envelope(403, "Insufficient permissions", { required_permission: "API Keys" });
    }
    if (operation === "generate") {
      if (caller.viaApi) return envelope(403, API_MINTED, API_MINTED);
      const input = generateRequest(body);
      const time = now();
      if (input.expiration !== undefined && input.expiration <= time) {
        return envelope(400, "Invalid request", "expiration: must be in the future");
      }
      if (input.expiration !== undefined && input.expiration > time + MAX_LIFETIME_MS) {
        return envelope(400, "Invalid request", "expiration: must be at most six months from now");
      }
      const key = mint(
        {
          securityLevel: input.securityLevel,
          roles: [...input.roles],
          comment: input.comment ?? null,
          expiration: input.expiration ?? time + DEFAULT_LIFETIME_MS,
          createdBy: `Public API - ${caller.id}`,
          viaApi: true,
        },
        store,
      );
      return { status: 200, body: { reply: { id: key.id, key: key.secret } } };
    }
    if (operation === "delete") {
      return { status: 200, body: { reply: { update_count: store.delete(deleteRequest(body)) } } };
    }
    const { filters, searchFrom = 0, searchTo } = listRequest(body);
    const all = store.all();
    const matching = all.filter((key) => filters.every((filter) => matches(key, filter)));
    const end = Math.min(searchTo ?? searchFrom + pageSize, searchFrom + pageSize);
    const data = matching.slice(searchFrom, Math.max(searchFrom, end)).map((key) => ({
      id: key.id,
      creation_time: key.createdAt,
      expiration: key.expiration,
      created_by: key.createdBy,
      user_name: key.userName,
      roles: [...key.roles],
      security_level: key.securityLevel,
      comment: key.comment,
    }));
    const reply =
      listCasing === "upper"
        ? { DATA: data, FILTER_COUNT: matching.length, TOTAL_COUNT: all.length }
        : { data, filter_count: matching.length, total_count: all.length };
    return { status: 200, body: { reply } };
  }

  /** The answer to one request, before any fault that acts after the service. */
  function answer(operation: Operation, request: IncomingMessage, text: string): Reply {
    const childTenantId = request.headers["x-child-tenant-id"];
    const child = typeof childTenantId === "string" ? childTenantId : undefined;
    const id = claimedKeyId(request.headers);
    // A parent acting on a child tenant authenticates with its own key; a child's own keys work too.
    const caller =
      id === undefined ? undefined : (parent.get(id) ?? (child ? storeOf(child).get(id) : undefined));
    if (!caller || !authenticates(request.headers, caller, now(), nonces)) return UNAUTHORIZED;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return envelope(400, "Invalid request", "the body is not valid JSON");
    }
    try {
      return act(operation, caller, body, storeOf(child));
    } catch (error) {
      if (error instanceof InvalidBody) return envelope(400, "Invalid request", error.message);
      throw error;
    }
  }

  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://tenant.test").pathname;
    const operation = request.method === "POST" ? PATHS[path] : undefined;
    const bytes = await readBody(request).catch(() => undefined);
    const text = bytes?.toString("utf8") ?? "";
    let fault: Fault | undefined;
    const report = (reply: Reply | undefined, status: number) => {
      if (!onExchange) return;
      let requestBody: unknown = text;
      try {
        requestBody = JSON.parse(text);
      } catch {
        // Not JSON: reported as text.
      }
      const requestHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string") requestHeaders[name] = value;
      }
      onExchange({
        operation,
        method: request.method ?? "",
        path,
        requestHeaders,
        requestBody,
        status,
        responseBody: reply?.body,
        fault,
      });
    };
    const send = (reply: Reply, status = reply.status) => {
      report(reply, status);
      if (response.destroyed) return;
      // The Date header tells the tenant's own time, as a client comparing clocks would read it.
      response
        .writeHead(status, { "content-type": "application/json", date: new Date(now()).toUTCString() })
        .end(JSON.stringify(reply.body));
    };

    if (!operation) {
      // The service answers 500 for paths under api_keys that do not exist (…/get, …/list).
      send(
        path.startsWith("/public_api/v1/api_keys/")
          ? envelope(500, "Internal server error")
          : envelope(404, "Not found"),
      );
      return;
    }
    if (bytes === undefined) return send(envelope(413, "Request entity too large"));
    if (window && !window.admit(now())) return send(envelope(429, "Too many requests"));
    fault = faults.next(operation);
    if (fault?.kind === "refuse") {
      return send(fault.status === 401 ? UNAUTHORIZED : envelope(fault.status, REFUSALS[fault.status]));
    }
    if (fault?.kind === "act-later") return actLater(fault, () => answer(operation, request, text), send);
    const reply = answer(operation, request, text);
    switch (fault?.kind) {
      case undefined:
        return send(reply);
      case "drop-after":
        report(undefined, 0);
        return void request.socket.destroy();
      case "error-after":
        return send(envelope(fault.status ?? 500, "Internal server error"));
      case "delay-after": {
        const timer = setTimeout(() => send(reply), fault.ms);
        request.socket.once("close", () => clearTimeout(timer));
      }
    }
  });
  // Requests held by an act-later fault, until they have acted.
  const acting = new Set<Promise<void>>();
  function actLater(
    fault: Extract<Fault, { kind: "act-later" }>,
    act: () => Reply,
    send: (reply: Reply) => void,
  ): void {
    const acted = new Promise<Reply>((resolve) => setTimeout(() => resolve(act()), fault.afterMs));
    const done = acted.then(() => undefined);
    acting.add(done);
    void done.then(() => acting.delete(done));
    // A gateway's status goes out at answerMs, before the act if that comes later; the service's
    // own reply needs the act, so it goes out at answerMs or once acted, whichever is later.
    const { status } = fault;
    setTimeout(
      () =>
        status === undefined
          ? void acted.then(send)
          : send(envelope(status, status === 504 ? "Gateway timeout" : "Bad gateway")),
      fault.answerMs,
    );
  }
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    rootKey: usable(root),
    keys: (childTenantId) => storeOf(childTenantId).all().map(publicView),
    addKey(key) {
      const {
        roles,
        securityLevel = "advanced",
        expiration = null,
        comment = null,
        createdViaApi = false,
        childTenantId,
      } = key;
      return usable(
        mint(
          {
            securityLevel,
            roles: [...roles],
            comment,
            expiration,
            createdBy: createdViaApi ? `Public API - ${root.id}` : "admin@tenant.test",
            viaApi: createdViaApi,
          },
          storeOf(childTenantId),
        ),
      );
    },
    faults: { inject: faults.inject, clear: faults.clear, calls: faults.calls },
    idle: async () => {
      while (acting.size > 0) await Promise.all(acting);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
