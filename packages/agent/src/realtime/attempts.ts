import { APIConnectionError, log } from '@livekit/agents';
import type { ResilienceOptions } from './policy.js';

/**
 * Counts failed connection attempts in a row, waits between them (backoff), reports the
 * model status (`reconnecting`, `connected`, `failed`), and gives up after `maxAttempts`
 * with a non-retryable error for `giveUp` (the session emits it and ends).
 */
export class Attempts {
  readonly #logger = log();
  #failures = 0;
  #reconnecting = false;

  constructor(
    private readonly options: ResilienceOptions,
    private readonly giveUp: (error: APIConnectionError) => void,
  ) {}

  /** Counts a failure and waits before the next attempt; false when it is time to give up. */
  async backOff(error: unknown, closed: () => boolean): Promise<boolean> {
    this.#failures += 1;
    this.#logger.warn({ error: String(error), attempt: this.#failures }, 'Gemini connect failed');
    this.reconnecting();
    if (this.#failures >= this.options.maxAttempts) {
      this.fail(error);
      return false;
    }
    const delay = this.options.backoffMs(this.#failures);
    await new Promise((resolve) => setTimeout(resolve, delay));
    return !closed();
  }

  fail(error: unknown): void {
    this.#logger.error({ error: String(error) }, 'Gemini unavailable; ending the session');
    this.options.onStatus('failed');
    this.giveUp(
      new APIConnectionError({
        message: `Gemini Live unavailable after ${this.#failures} attempts: ${String(error)}`,
        options: { retryable: false },
      }),
    );
  }

  reconnecting(): void {
    if (this.#reconnecting) return;
    this.#reconnecting = true;
    this.options.onStatus('reconnecting');
  }

  /** A connection is up: `connected` after a reconnect, or for the session's first one. */
  connected(first: boolean): void {
    if (this.#reconnecting) {
      this.#reconnecting = false;
      this.#failures = 0;
      this.options.onStatus('connected');
    } else if (first) {
      this.options.onStatus('connected');
    }
  }
}
