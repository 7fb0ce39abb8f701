import { randomInt } from "node:crypto";

/** A key as the fake tenant holds it, secret included. */
export interface StoredKey {
  readonly id: number;
  readonly secret: string;
  readonly securityLevel: "advanced" | "standard";
  readonly roles: readonly string[];
  readonly comment: string | null;
  readonly createdAt: number;
  /** Epoch milliseconds, or `null` for a key that never expires. */
  readonly expiration: number | null;
  readonly createdBy: string;
  readonly userName: string;
  /** Created through the public API: such a key cannot generate keys. */
  readonly viaApi: boolean;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// The length of the keys the service mints.
const KEY_LENGTH = 128;

/** A new secret: 128 characters from [A-Za-z0-9], each drawn uniformly by the CSPRNG. */
export function newSecret(): string {
  let secret = "";
  for (let index = 0; index < KEY_LENGTH; index++) secret += ALPHABET[randomInt(ALPHABET.length)];
  return secret;
}

/** The keys of one tenant (the parent, or one child tenant). */
export class KeyStore {
  readonly #keys = new Map<number, StoredKey>();

  add(key: StoredKey): StoredKey {
    this.#keys.set(key.id, key);
    return key;
  }

  get(id: number): StoredKey | undefined {
    return this.#keys.get(id);
  }

  /** Deletes the keys with these ids; returns how many there were. */
  delete(ids: readonly number[]): number {
    let deleted = 0;
    for (const id of new Set(ids)) if (this.#keys.delete(id)) deleted++;
    return deleted;
  }

  /** Every key, oldest first. */
  all(): StoredKey[] {
    return [...this.#keys.values()];
  }
}
