/**
 * Armed by a request that Gemini must answer (a reply request, a tool result); any server
 * message disarms it. A connection that stays silent that long is dead even if its socket
 * still answers pings.
 */
export class AnswerWatch {
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** Calls `onSilent` if nothing disarms the watch in time; an armed watch stays as it is. */
  arm(onSilent: () => void): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      onSilent();
    }, this.timeoutMs);
  }

  disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
