import type { SecurityLevel } from "@xsiam-sdk/auth";
import { described, oneOf, ownCopy } from "@xsiam-sdk/auth";
import { XsiamValidationError } from "../errors.js";
import type { components } from "../generated/openapi.js";
import { SECURITY_LEVELS as LEVELS_IN_SPEC } from "../generated/spec-values.js";

type GenerateBody = components["schemas"]["GenerateApiKeyRequest"];
type DeleteBody = components["schemas"]["DeleteApiKeysRequest"];
type ListBody = components["schemas"]["GetApiKeysRequest"];
type WireFilter = components["schemas"]["ApiKeyFilter"];

/** What `apiKeys.generate` takes. */
export interface GenerateApiKeyInput {
  /** Names of the roles the new key gets, as shown in the console (e.g. `"Viewer"`). At least one. */
  roles: readonly string[];
  /**
   * Security level of the new key: `"advanced"` keys sign every request (a captured request
   * cannot be replayed), `"standard"` keys are sent as they are. It is always sent: the service's
   * behaviour without it is not documented.
   * @default "advanced"
   */
  securityLevel?: SecurityLevel | undefined;
  /**
   * When the key stops working: a `Date` or epoch milliseconds, in the future and at most six
   * months ahead. Omitted, the service makes it one week from now.
   */
  expiration?: Date | number | undefined;
  /** A note stored with the key, e.g. who or what uses it. */
  comment?: string | undefined;
}

const GENERATE_FIELDS = ["roles", "securityLevel", "expiration", "comment"] as const;
const SECURITY_LEVELS: readonly SecurityLevel[] = LEVELS_IN_SPEC;
const MS_PER_SECOND = 1_000;
const SNAKE_CASE_HINTS: Record<string, string> = { security_level: "securityLevel" };
const FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,31}$/;

/** `keep_old` → `keepOld`: the name a snake_case or kebab-case option was meant as. */
const camelCased = (name: string) =>
  name.replace(/[_-]+([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * Refuses a field of `value` that is not one of `known`: a misspelt option must not be silently
 * ignored (a mistyped `keepOld` would delete a key the caller meant to keep). Suggests the name
 * meant when `hints` has one or a camelCase spelling is known. A name is shown only if it looks like
 * one: anything else may be a key in the wrong place.
 */
export function refuseUnknownFields(
  value: object,
  known: readonly string[],
  prefix: string,
  what: string,
  hints: Readonly<Record<string, string>> = {},
): void {
  for (const field of Object.keys(value)) {
    // A field set to undefined is no field (JSON leaves it out); a misspelt one with a value is refused.
    if (known.includes(field) || (value as Record<string, unknown>)[field] === undefined) continue;
    const meant = hints[field] ?? (known.includes(camelCased(field)) ? camelCased(field) : undefined);
    const shown = FIELD_NAME.test(field)
      ? `${prefix}${field}`
      : `${prefix.replace(/\.$/, "") || "input"} (a field named by ${described(field)})`;
    throw new XsiamValidationError(
      shown,
      `is not ${what}${meant ? `; did you mean ${meant}?` : `; known: ${known.join(", ")}`}`,
    );
  }
}

/** Six calendar months after `from`, on the same day of the month or the month's last day. */
export function sixMonthsAfter(from: number): number {
  const date = new Date(from);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + 6);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}

/** Whether `value`, read as epoch seconds, would be a valid expiration: the usual mix-up. */
function looksLikeSeconds(value: number, now: number): boolean {
  const asMilliseconds = value * MS_PER_SECOND;
  return asMilliseconds > now && asMilliseconds <= sixMonthsAfter(now);
}

/**
 * A checked expiration in epoch milliseconds: a `Date` or integer epoch milliseconds, in the future
 * and at most six months ahead. Errors name `field`.
 */
export function expirationOf(value: unknown, now: number, field = "expiration"): number {
  const milliseconds = millisecondsOf(field, value, (ms) => ms <= now && looksLikeSeconds(ms, now));
  if (milliseconds <= now) throw new XsiamValidationError(field, "must be in the future");
  if (milliseconds > sixMonthsAfter(now)) {
    throw new XsiamValidationError(field, "must be at most six months ahead");
  }
  return milliseconds;
}

/**
 * A copy of a list, read once by index (never through its iterator, which a caller could
 * override), holes included: what is checked is what is sent.
 */
function listCopy(field: string, value: unknown): unknown[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new XsiamValidationError(field, `must be a non-empty array (got ${described(value)})`);
  }
  const { length } = value;
  const copy = new Array<unknown>(length);
  for (let index = 0; index < length; index++) copy[index] = value[index];
  return copy;
}

/**
 * Checks a generate input and turns it into the wire body. Throws `XsiamValidationError`. The
 * input's own fields are copied first, each read once, and only the copy is checked and sent.
 */
export function generateBody(input: GenerateApiKeyInput, now: number = Date.now()): GenerateBody {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new XsiamValidationError("input", `must be an object (got ${described(input)})`);
  }
  for (const field of Object.keys(input)) {
    if (
      !(GENERATE_FIELDS as readonly string[]).includes(field) &&
      (input as unknown as Record<string, unknown>)[field] !== undefined
    ) {
      const suggestion = SNAKE_CASE_HINTS[field];
      // A name is shown only if it looks like one: anything else may be a key in the wrong place.
      const shown = FIELD_NAME.test(field) ? field : `input (a field named by ${described(field)})`;
      throw new XsiamValidationError(
        shown,
        `is not an input${suggestion ? `; did you mean ${suggestion}?` : ""}`,
      );
    }
  }
  const { roles, securityLevel, expiration, comment } = ownCopy(input, GENERATE_FIELDS);
  const roleNames = listCopy("roles", roles);
  roleNames.forEach((role, index) => {
    if (typeof role !== "string" || role.trim() === "") {
      throw new XsiamValidationError(`roles[${index}]`, `must be a role name (got ${described(role)})`);
    }
  });
  if (securityLevel !== undefined && !SECURITY_LEVELS.includes(securityLevel)) {
    throw new XsiamValidationError("securityLevel", oneOf(securityLevel, SECURITY_LEVELS));
  }
  if (comment !== undefined && typeof comment !== "string") {
    throw new XsiamValidationError("comment", `must be a string (got ${described(comment)})`);
  }
  const requestData: GenerateBody["request_data"] = {
    roles: roleNames as string[],
    security_level: securityLevel ?? "advanced",
  };
  if (expiration !== undefined) requestData.expiration = expirationOf(expiration, now);
  if (comment !== undefined) requestData.comment = comment;
  return { request_data: requestData };
}

/** A checked key id. */
export function keyIdOf(field: string, id: unknown): number {
  if (typeof id === "string" && /^[1-9][0-9]{0,15}$/.test(id)) {
    // Digits cannot be a key: saying what was given helps more than hiding it.
    throw new XsiamValidationError(field, `must be a number, not a string (got "${id}"; write ${id})`);
  }
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) {
    throw new XsiamValidationError(field, `must be a positive integer (got ${described(id)})`);
  }
  return id;
}

/** Checked key ids, each once, in the order given. */
function idsOf(field: string, ids: unknown): number[] {
  const unique = new Set<number>();
  listCopy(field, ids).forEach((id, index) => {
    unique.add(keyIdOf(`${field}[${index}]`, id));
  });
  return [...unique];
}

/** Checks the ids of a delete and turns them into the wire body, each id once. */
export function deleteBody(ids: readonly number[]): DeleteBody {
  return { request_data: { filters: [{ field: "id", operator: "in", value: idsOf("ids", ids) }] } };
}

/** What `apiKeys.list` takes: every part that is given must hold for a key to be listed. */
export interface ApiKeyFilter {
  /** Keys with one of these ids. */
  ids?: readonly number[] | undefined;
  /** Keys that have every one of these roles (and maybe others). */
  roles?: readonly string[] | undefined;
  /** Keys that expire at or after this time: a `Date` or epoch milliseconds. Keys that never expire are included. */
  expiresAfter?: Date | number | undefined;
  /** Keys that expire at or before this time: a `Date` or epoch milliseconds. Keys that never expire are not. */
  expiresBefore?: Date | number | undefined;
}

/** A filter after its checks: what the wire body is made of, and what each listed key must match. */
export interface CheckedFilter {
  readonly ids: readonly number[] | undefined;
  readonly roles: readonly string[] | undefined;
  readonly expiresAfter: number | undefined;
  readonly expiresBefore: number | undefined;
}

const FILTER_FIELDS = ["ids", "roles", "expiresAfter", "expiresBefore"] as const;
// Epoch seconds of the years a key can exist in: as milliseconds they would mean January 1970.
const SECONDS_RANGE = [1e9, 1e11];

function timeOf(field: string, value: unknown): number {
  return millisecondsOf(field, value, (ms) => ms >= (SECONDS_RANGE[0] ?? 0) && ms < (SECONDS_RANGE[1] ?? 0));
}

/**
 * `value`, a Date or integer epoch milliseconds (not negative), as epoch milliseconds; one that
 * `inSeconds` takes for epoch seconds is refused, saying so.
 */
function millisecondsOf(field: string, value: unknown, inSeconds: (milliseconds: number) => boolean): number {
  const milliseconds = value instanceof Date ? value.getTime() : value;
  if (typeof milliseconds !== "number" || !Number.isSafeInteger(milliseconds) || milliseconds < 0) {
    throw new XsiamValidationError(
      field,
      `must be a valid Date or integer epoch milliseconds (got ${described(value)})`,
    );
  }
  if (inSeconds(milliseconds)) {
    throw new XsiamValidationError(
      field,
      `must be epoch milliseconds; ${milliseconds} looks like seconds: multiply by 1000`,
    );
  }
  return milliseconds;
}

/** Checks a list filter (own fields, each read once). Throws `XsiamValidationError`. */
export function checkedFilter(filter: ApiKeyFilter | undefined): CheckedFilter {
  if (filter === undefined) {
    return { ids: undefined, roles: undefined, expiresAfter: undefined, expiresBefore: undefined };
  }
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
    throw new XsiamValidationError("filter", `must be an object (got ${described(filter)})`);
  }
  for (const field of Object.keys(filter)) {
    if (
      !(FILTER_FIELDS as readonly string[]).includes(field) &&
      (filter as unknown as Record<string, unknown>)[field] !== undefined
    ) {
      const shown = FIELD_NAME.test(field)
        ? `filter.${field}`
        : `filter (a field named by ${described(field)})`;
      throw new XsiamValidationError(shown, "is not a filter; use ids, roles, expiresAfter or expiresBefore");
    }
  }
  const own = ownCopy(filter, FILTER_FIELDS);
  const roles =
    own.roles === undefined
      ? undefined
      : listCopy("filter.roles", own.roles).map((role, index) => {
          if (typeof role !== "string" || role.trim() === "") {
            throw new XsiamValidationError(
              `filter.roles[${index}]`,
              `must be a role name (got ${described(role)})`,
            );
          }
          return role;
        });
  const checked: CheckedFilter = {
    ids: own.ids === undefined ? undefined : idsOf("filter.ids", own.ids),
    roles: roles && [...new Set(roles)],
    expiresAfter:
      own.expiresAfter === undefined ? undefined : timeOf("filter.expiresAfter", own.expiresAfter),
    expiresBefore:
      own.expiresBefore === undefined ? undefined : timeOf("filter.expiresBefore", own.expiresBefore),
  };
  if (
    checked.expiresAfter !== undefined &&
    checked.expiresBefore !== undefined &&
    checked.expiresAfter > checked.expiresBefore
  ) {
    throw new XsiamValidationError("filter.expiresAfter", "must not be later than filter.expiresBefore");
  }
  return checked;
}

/**
 * The wire body of a list request. Each role is a filter of its own: the filters are combined
 * with AND, so a key must have every role, whatever `contains` means for a list of several.
 */
export function listBody(filter: CheckedFilter, page?: { from: number; to: number }): ListBody {
  const filters: WireFilter[] = [];
  if (filter.ids) filters.push({ field: "id", operator: "in", value: [...filter.ids] });
  for (const role of filter.roles ?? [])
    filters.push({ field: "roles", operator: "contains", value: [role] });
  if (filter.expiresAfter !== undefined) {
    filters.push({ field: "expiration", operator: "gte", value: filter.expiresAfter });
  }
  if (filter.expiresBefore !== undefined) {
    filters.push({ field: "expiration", operator: "lte", value: filter.expiresBefore });
  }
  return {
    request_data: {
      ...(filters.length > 0 && { filters }),
      ...(page && { search_from: page.from, search_to: page.to }),
    },
  };
}
