const REDACTED = "[redacted]";

/**
 * A key returned by `apiKeys.generate`. The service shows it once: store `key` right away.
 *
 * `key` is readable (`result.key`, `const { id, key } = result`) but kept out of every printed
 * or serialised form: it is not enumerable, `JSON.stringify` and `util.inspect` show
 * `"[redacted]"`, and object spread does not copy it.
 */
export class GeneratedApiKey {
  /** The new key's id: send it as `apiKeyId` when using the key. */
  readonly id: number;
  /** The secret key itself. */
  declare readonly key: string;

  constructor(id: number, key: string) {
    this.id = id;
    Object.defineProperty(this, "key", { value: key, enumerable: false });
    const inspect = (): string => `GeneratedApiKey { id: ${id}, key: '${REDACTED}' }`;
    for (const symbol of [Symbol.for("nodejs.util.inspect.custom"), Symbol.for("Deno.customInspect")]) {
      Object.defineProperty(this, symbol, { value: inspect, enumerable: false });
    }
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
