import type { CloseInfo } from './connection.js';
import type { SwitchReason } from './policy.js';

/** Why the session's loop leaves its current connection. */
export type Wake =
  | { reason: 'lost'; close: CloseInfo }
  | { reason: SwitchReason }
  | { reason: 'closed' };

/** The cause label of a reconnect, for the worker's metrics. */
export function reconnectCause(wake: Exclude<Wake, { reason: 'closed' }>): string {
  if (wake.reason === 'lost') return `error_${wake.close.code}`;
  return wake.reason === 'goAway' ? 'go_away' : 'restart';
}

/**
 * Where the loop waits for its next wake: one waiter at a time; a wake with nobody waiting is
 * kept (the first one, or `closed`) for the next wait.
 */
export class WakeSignal {
  #wake: ((wake: Wake) => void) | undefined;
  #pending: Wake | undefined;

  /** Resolves with the kept wake at once, else with the next one. */
  wait(): Promise<Wake> {
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) return Promise.resolve(pending);
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  signal(wake: Wake): void {
    const resolve = this.#wake;
    this.#wake = undefined;
    if (resolve) resolve(wake);
    else if (!this.#pending || wake.reason === 'closed') this.#pending = wake;
  }

  /** A new connection settles whatever ended the one it replaced (but not a close). */
  settle(): void {
    if (this.#pending?.reason !== 'closed') this.#pending = undefined;
  }
}
