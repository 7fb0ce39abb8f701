const REDACTED = "[redacted]";

/**
 * A key returned by `apiKeys.generate`. The service shows it once: store `key` right away.
 *
 * `key` is readable (`result.key`, `const { id, key } = result`) but kept out of every printed
 * or serialised form. It is held in a closure, not in a property or a field: the object is a proxy
 * that answers `key` from that closure. So `JSON.stringify` shows `"[redacted]"`, `util.inspect`
 * and `console.dir` show `[redacted]` or nothing whatever their options (`showHidden`, `getters`,
 * `customInspect: false`, `showProxy`), and object spread (`{ ...result }`) copies only `id`.
 */
export class GeneratedApiKey {
  /** The new key's id: send it as `apiKeyId` when using the key. */
  readonly id: number;
  /** The secret key itself. */
  declare readonly key: string;

  constructor(id: number, key: string) {
    this.id = id;
    const inspect = (): string => `GeneratedApiKey { id: ${id}, key: '${REDACTED}' }`;
    // What `util.inspect`, `console.log` (Node, Bun) and `Deno.inspect` show.
    for (const symbol of [Symbol.for("nodejs.util.inspect.custom"), Symbol.for("Deno.customInspect")]) {
      Object.defineProperty(this, symbol, { value: inspect, enumerable: false });
    }
    // biome-ignore lint/correctness/noConstructorReturn: the proxy is the instance; it is what keeps `key` out of reach of inspection.
    return new Proxy(this, {
      get: (target, name, receiver) => (name === "key" ? key : Reflect.get(target, name, receiver)),
      has: (target, name) => name === "key" || Reflect.has(target, name),
    });
  }

  /** The id, and the key redacted. */
  toJSON(): { id: number; key: string } {
    return { id: this.id, key: REDACTED };
  }

  /** A description without the key. */
  toString(): string {
    return `GeneratedApiKey(id ${this.id})`;
  }
}
