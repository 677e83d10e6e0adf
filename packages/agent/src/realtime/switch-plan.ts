import type { SwitchReason } from './policy.js';

/**
 * A planned move to a new connection (goAway, new tools), made at the next quiet moment, or
 * at the deadline at the latest. `fire` makes the move.
 */
export class SwitchPlan {
  #pending: { reason: SwitchReason; deadline: number; timers: NodeJS.Timeout[] } | undefined;

  constructor(
    private readonly fire: (reason: SwitchReason) => void,
    private readonly freshHandleWaitMs: number,
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
   * for the fresh one Gemini sends right after a turn.
   */
  quiet(stale: boolean): void {
    const pending = this.#pending;
    if (!pending) return;
    if (!stale || Date.now() >= pending.deadline) {
      this.fire(pending.reason);
      return;
    }
    const wait = Math.min(this.freshHandleWaitMs, pending.deadline - Date.now());
    pending.timers.push(setTimeout(() => this.fire(pending.reason), wait));
  }

  /** The move is made (or the session closed): no timer fires any more. */
  clear(): void {
    for (const timer of this.#pending?.timers ?? []) clearTimeout(timer);
    this.#pending = undefined;
  }
}
