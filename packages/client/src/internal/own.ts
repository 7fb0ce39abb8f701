/**
 * The properties named in `names` that `source` has itself, each read exactly once. An option
 * inherited from a prototype is not set (a polluted `Object.prototype` sets nothing), and a getter
 * cannot hand one value to the check and another to the request.
 */
export function ownCopy<T extends object, K extends keyof T & string>(
  source: T,
  names: readonly K[],
): Partial<Pick<T, K>> {
  const copy: Record<string, unknown> = Object.create(null);
  for (const name of names) if (Object.hasOwn(source, name)) copy[name] = source[name];
  return copy as Partial<Pick<T, K>>;
}
