/**
 * Where the service remembers which resume tickets were used, so each is redeemed once.
 * Implement it over a shared store (Redis `SET key 1 NX PXAT expiresAt`, a Durable Object, ...)
 * so every instance of a cluster refuses a ticket another instance already took.
 */
export interface ResumeTicketStore {
  /**
   * Marks ticket `id` used until `expiresAt` (milliseconds since the epoch), atomically.
   * @returns `true` for the first call with that id, `false` for every later one.
   */
  claim(id: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * The default store: used ticket ids in a `Map`, for one process. An id is kept until its
 * ticket expires (after that the signature check refuses it anyway); expired ids are swept
 * on use, so memory stays bounded by the tickets of the last few minutes.
 */
export class MemoryResumeTicketStore implements ResumeTicketStore {
  readonly #used = new Map<string, number>();
  #nextSweep = 0;

  /** @param now the clock, in milliseconds since the epoch; replaceable in tests. */
  constructor(private readonly now: () => number = Date.now) {}

  claim(id: string, expiresAt: number): boolean {
    const now = this.now();
    if (now >= this.#nextSweep) this.#sweep(now);
    if (this.#used.has(id)) return false;
    this.#used.set(id, expiresAt);
    return true;
  }

  /** Ids remembered; exposed for tests. */
  get size(): number {
    return this.#used.size;
  }

  #sweep(now: number): void {
    for (const [id, expiresAt] of this.#used) {
      if (expiresAt <= now) this.#used.delete(id);
    }
    this.#nextSweep = now + 60_000;
  }
}
