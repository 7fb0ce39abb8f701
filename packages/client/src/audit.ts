import { XsiamValidationError } from "./errors.js";
import type { ApiKeyInfo } from "./internal/key-list.js";

/** What can be wrong with a key, for key hygiene. */
export type AuditKind = "expired" | "expiring" | "no-expiry" | "too-old";

/** One thing wrong with one key. A key can have several (a key that never expires and is too old). */
export interface AuditFinding {
  readonly id: number;
  readonly kind: AuditKind;
  /** When it expires (expired, or expiring); `null` if it never does. */
  readonly expiresAt: Date | null;
  readonly createdAt: Date;
}

/** What `auditApiKeys` looks for. */
export interface AuditOptions {
  /** Keys that expire within this many milliseconds are `expiring`. @default 14 days */
  expiringWithinMs?: number | undefined;
  /** Keys created longer ago than this are `too-old`; not looked for unless given. */
  maxAgeMs?: number | undefined;
  /** Now, in epoch milliseconds. @default Date.now() */
  now?: number | undefined;
}

const DAY_MS = 86_400_000;

function duration(field: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new XsiamValidationError(field, "must be a positive number of milliseconds");
  }
  return value;
}

/**
 * The key-hygiene findings for `keys` (from `apiKeys.list()`): `expired` (past its expiration and
 * still listed), `expiring` (within `expiringWithinMs`, 14 days by default), `no-expiry` (never
 * expires), `too-old` (created longer ago than `maxAgeMs`, when given). In the order of the keys,
 * each key's findings in that order. The same findings as `xsiam-keys audit`.
 *
 * @example
 * const findings = auditApiKeys(await xsiam.apiKeys.list(), { maxAgeMs: 365 * 86_400_000 });
 * for (const { id, kind } of findings) console.warn(`key ${id}: ${kind}`);
 */
export function auditApiKeys(keys: readonly ApiKeyInfo[], options: AuditOptions = {}): AuditFinding[] {
  const within = duration("expiringWithinMs", options.expiringWithinMs) ?? 14 * DAY_MS;
  const maxAge = duration("maxAgeMs", options.maxAgeMs);
  const now = options.now ?? Date.now();
  const findings: AuditFinding[] = [];
  for (const key of keys) {
    const { id, expiresAt, createdAt } = key;
    const found = (kind: AuditKind) => findings.push({ id, kind, expiresAt, createdAt });
    const expires = expiresAt?.getTime();
    if (expires === undefined) found("no-expiry");
    else if (expires <= now) found("expired");
    else if (expires <= now + within) found("expiring");
    if (maxAge !== undefined && createdAt.getTime() < now - maxAge) found("too-old");
  }
  return findings;
}
