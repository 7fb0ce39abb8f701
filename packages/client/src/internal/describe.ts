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
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a Date";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
