/** The count for one key in the current window. */
export interface RateLimitCount {
  /** Requests counted in this window, this one included. */
  count: number;
  /** When the window ends, in milliseconds since the epoch. */
  resetAt: number;
}

/**
 * Where the rate limit keeps its counts. Implement it over a shared store (Redis `INCR` +
 * `PEXPIRE`, a Durable Object, ...) so every instance of a cluster counts together.
 */
export interface RateLimitStore {
  /** Counts one request for `key` in a fixed window of `windowMs` and returns the count so far. */
  increment(key: string, windowMs: number): RateLimitCount | Promise<RateLimitCount>;
}

/**
 * The default store: fixed windows in a `Map`, for one process. Expired windows are swept
 * once per window, so memory stays bounded by the clients of the last window; no timer
 * keeps the process alive.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows = new Map<string, RateLimitCount>();
  #nextSweep = 0;

  /** @param now the clock, in milliseconds since the epoch; replaceable in tests. */
  constructor(private readonly now: () => number = Date.now) {}

  increment(key: string, windowMs: number): RateLimitCount {
    const now = this.now();
    if (now >= this.#nextSweep) this.#sweep(now, windowMs);
    const window = this.#windows.get(key);
    if (window && window.resetAt > now) {
      window.count += 1;
      return { ...window };
    }
    const fresh = { count: 1, resetAt: now + windowMs };
    this.#windows.set(key, fresh);
    return { ...fresh };
  }

  /** Keys with an open window; exposed for tests and metrics. */
  get size(): number {
    return this.#windows.size;
  }

  #sweep(now: number, windowMs: number): void {
    for (const [key, window] of this.#windows) {
      if (window.resetAt <= now) this.#windows.delete(key);
    }
    this.#nextSweep = now + windowMs;
  }
}
