// Helpers for reading and checking options, shared by @xsiam-sdk/auth and @xsiam-sdk/client (which
// imports them from `@xsiam-sdk/auth`): one place for how an option is read (own properties only,
// each once) and how a rejected value is described (never shown when it may be a key).
// Auth is the lower layer, so it owns them; exporting them (rather than bundling a private package
// into both) keeps one copy in an app that bundles both packages. From the main entry, not a
// subpath: a subpath made the client's import load two more files (the subpath and the chunk
// both entries shared), which `pnpm bench` measured as a slower `import`.

/**
 * The properties named in `names` that `source` has itself, each read exactly once. An option
 * inherited from a prototype is not set (a polluted `Object.prototype` sets nothing), and a getter
 * cannot hand one value to the check and another to the request.
 *
 * @example
 * const { apiKey, apiKeyId } = ownCopy(options, ["apiKey", "apiKeyId"]);
 */
export function ownCopy<T extends object, K extends keyof T & string>(
  source: T,
  names: readonly K[],
): Partial<Pick<T, K>> {
  const copy: Record<string, unknown> = Object.create(null);
  for (const name of names) if (Object.hasOwn(source, name)) copy[name] = source[name];
  return copy as Partial<Pick<T, K>>;
}

/**
 * Describes a rejected value without showing it: a string may be a key pasted into the wrong
 * option, so only its length is given. Numbers and other primitives cannot hold a key.
 *
 * @example
 * `must be a positive integer (got ${described(value)})` // "… (got a string of 12 characters)"
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

/**
 * `must be "a" or "b" (got …)`, suggesting the value meant when there is one.
 *
 * @example
 * oneOf("Advanced", ["advanced", "standard"]); // 'must be "advanced" or "standard" (got "Advanced"; did you mean "advanced"?)'
 */
export function oneOf(value: unknown, allowed: readonly string[]): string {
  const expected = allowed.map((candidate) => JSON.stringify(candidate)).join(" or ");
  const meant = meantValue(value, allowed);
  return meant === undefined
    ? `must be ${expected} (got ${described(value)})`
    : `must be ${expected} (got ${JSON.stringify(value)}; did you mean ${JSON.stringify(meant)}?)`;
}
