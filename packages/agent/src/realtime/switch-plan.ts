import type { SwitchReason } from './policy.js';

/**
 * A planned move to a new connection (goAway, new tools), made at the next quiet moment, or
 * at the deadline at the latest. `fire` makes the move.
 */
export class SwitchPlan {
  #pending: { reason: SwitchReason; deadline: number; timers: NodeJS.Timeout[] } | undefined;
  /** Waits for the fresh handle after the last quiet moment. */
  #quietTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fire: (reason: SwitchReason) => void,
    private readonly freshHandleWaitMs: number,
    /** Whether an answer, tool call or reply request is open now: no quiet moment then. */
    private readonly busy: () => boolean,
  ) {}

  get planned(): boolean {
    return this.#pending !== undefined;
  }

  /** Plans a move by `deadline` (infinite: whenever quiet); false if one is due sooner. */
  plan(reason: SwitchReason, deadline: number): boolean {
    const pending = this.#pending;
    if (pending && pending.deadline <= deadline) return false;
    const timers = pending?.timers ?? [];
    if (Number.isFinite(deadline)) {
      timers.push(setTimeout(() => this.fire(reason), deadline - Date.now()));
    }
    this.#pending = { reason, deadline, timers };
    return true;
  }

  /**
   * Nothing is in flight: move now, unless the handle is `stale` and there is time to wait
   * for the fresh one Gemini sends right after a turn. If a new answer or request started
   * meanwhile (a greeting requested just before new tools came), the wait ends without a
   * move: switching then would cut that answer off; its end is the next quiet moment.
   */
  quiet(stale: boolean): void {
    const pending = this.#pending;
    if (!pending) return;
    clearTimeout(this.#quietTimer);
    if (!stale || Date.now() >= pending.deadline) {
      this.fire(pending.reason);
      return;
    }
    const wait = Math.min(this.freshHandleWaitMs, pending.deadline - Date.now());
    this.#quietTimer = setTimeout(() => {
      if (!this.busy()) this.fire(pending.reason);
    }, wait);
  }

  /** The move is made (or the session closed): no timer fires any more. */
  clear(): void {
    for (const timer of this.#pending?.timers ?? []) clearTimeout(timer);
    clearTimeout(this.#quietTimer);
    this.#pending = undefined;
  }
}
