/**
 * The tenant's rate limit as the service counts it: at most `limit` requests accepted in any
 * sliding second. A request beyond it is refused (and not counted).
 */
export class RateWindow {
  readonly #accepted: number[] = [];
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Whether a request arriving at `now` is within the limit; if so, it is counted. */
  admit(now: number): boolean {
    while (this.#accepted.length > 0 && (this.#accepted[0] ?? 0) <= now - 1_000) this.#accepted.shift();
    if (this.#accepted.length >= this.#limit) return false;
    this.#accepted.push(now);
    return true;
  }
}
