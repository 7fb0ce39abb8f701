import type { SecurityLevel } from "@xsiam-sdk/auth";
import { SECURITY_LEVELS } from "../generated/spec-values.js";
import { splitMarker } from "./marker.js";
import type { CheckedFilter } from "./validate.js";

/** What the service says about one key. It never holds the key itself. */
export interface ApiKeyInfo {
  /** The key's id. */
  readonly id: number;
  /** The names of its roles. */
  readonly roles: readonly string[];
  /** How it authenticates. */
  readonly securityLevel: SecurityLevel;
  /** The comment as the caller of generate wrote it, or `null`. */
  readonly comment: string | null;
  /**
   * The marker the generate call that created the key added to its comment (`[xsiam-sdk:…]`, the
   * `marker` of an `XsiamGenerateError` or of `onSend`), or `null` for a key created without one.
   */
  readonly marker: string | null;
  /** When it was created. */
  readonly createdAt: Date;
  /** When it stops working, or `null` if it never expires. */
  readonly expiresAt: Date | null;
  /** Who created it, as the service says (`"N/A"` for some keys). */
  readonly createdBy: string;
  /** The user it acts as, e.g. `"Public API - 21"`. */
  readonly userName: string;
}

/** One reply of get_api_keys, in either casing: its keys, and the counts it gives. */
export interface KeyPage {
  readonly keys: ApiKeyInfo[];
  /** How many keys match the filters, on all pages. */
  readonly filterCount: number;
}

const LEVELS: ReadonlySet<string> = new Set(SECURITY_LEVELS);

const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
const isTime = isCount;

/** One key of a reply, or what is wrong with it. Only the documented fields are copied. */
function keyOf(item: unknown): ApiKeyInfo | string {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return "is not an object";
  const { id, creation_time, expiration, created_by, user_name, roles, security_level, comment } =
    item as Record<string, unknown>;
  if (!isCount(id) || id === 0) return "has no positive integer id";
  if (!isTime(creation_time)) return "has no creation_time in epoch milliseconds";
  if (expiration !== null && !isTime(expiration))
    return "has an expiration that is neither epoch milliseconds nor null";
  if (typeof created_by !== "string" || typeof user_name !== "string") return "lacks created_by or user_name";
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === "string"))
    return "has no list of role names";
  if (typeof security_level !== "string" || !LEVELS.has(security_level))
    return "has an unknown security_level";
  if (comment !== null && typeof comment !== "string") return "has a comment that is neither text nor null";
  const [own, marker] = splitMarker(comment);
  return {
    id,
    roles: [...roles],
    securityLevel: security_level as SecurityLevel,
    comment: own,
    marker,
    createdAt: new Date(creation_time),
    expiresAt: expiration === null ? null : new Date(expiration),
    createdBy: created_by,
    userName: user_name,
  };
}

/**
 * The keys and filter count of a get_api_keys reply, or what makes it not the documented reply.
 * Real tenants name the fields `DATA`, `FILTER_COUNT`, `TOTAL_COUNT`; the vendor's schema and some
 * deployments `data`, `filter_count`, `total_count`. Either form is read, never a mix.
 */
export function keyPageOf(reply: Record<string, unknown>): KeyPage | string {
  const upper = Object.hasOwn(reply, "DATA");
  const [data, filterCount, totalCount] = upper
    ? [reply.DATA, reply.FILTER_COUNT, reply.TOTAL_COUNT]
    : [reply.data, reply.filter_count, reply.total_count];
  const names = upper ? "DATA, FILTER_COUNT and TOTAL_COUNT" : "data, filter_count and total_count";
  if (!Array.isArray(data) || !isCount(filterCount) || !isCount(totalCount)) {
    return `the reply lacks ${names} (a list and two counts)`;
  }
  const keys: ApiKeyInfo[] = [];
  for (const [index, item] of data.entries()) {
    const key = keyOf(item);
    if (typeof key === "string") return `${upper ? "DATA" : "data"}[${index}] ${key}`;
    keys.push(key);
  }
  return { keys, filterCount };
}

/**
 * Whether a listed key matches the filter that was sent. The service applies the filter; this
 * makes sure of it, so that a key that does not match is never listed (and so never deleted by
 * a script that deletes what it lists), even from a service or proxy that ignored a filter.
 */
export function matches(key: ApiKeyInfo, filter: CheckedFilter): boolean {
  const expiresAt = key.expiresAt?.getTime() ?? null;
  return (
    (filter.ids === undefined || filter.ids.includes(key.id)) &&
    (filter.roles === undefined || filter.roles.every((role) => key.roles.includes(role))) &&
    (filter.expiresAfter === undefined || expiresAt === null || expiresAt >= filter.expiresAfter) &&
    (filter.expiresBefore === undefined || (expiresAt !== null && expiresAt <= filter.expiresBefore))
  );
}
