/**
 * Describes a rejected value without showing it: a string may be a key pasted into the wrong
 * field, so only its length is given. Numbers and other primitives cannot hold a key.
 */
export function described(value: unknown): string {
  if (typeof value === "string") {
    return value === ""
      ? "an empty string"
      : `a string of ${value.length} character${value.length === 1 ? "" : "s"}`;
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty array" : "an array";
  if (value instanceof Date) return "a Date";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * The allowed value `value` was meant to be, when it is one with another case or stray spaces.
 * Only then may it be shown: such a value is not a secret, and anything else could be one.
 */
export function meantValue<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  if (typeof value !== "string") return undefined;
  const normalised = value.trim().toLowerCase();
  return allowed.find((candidate) => candidate === normalised);
}

/** `must be "a" or "b" (…)`, suggesting the value meant when there is one. */
export function oneOf(value: unknown, allowed: readonly string[]): string {
  const expected = allowed.map((candidate) => JSON.stringify(candidate)).join(" or ");
  const meant = meantValue(value, allowed);
  return meant === undefined
    ? `must be ${expected} (got ${described(value)})`
    : `must be ${expected} (got ${JSON.stringify(value)}; did you mean ${JSON.stringify(meant)}?)`;
}
