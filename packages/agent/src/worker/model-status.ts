import { log } from '@livekit/agents';
import type { LocalParticipant } from '@livekit/rtc-node';
import type { ModelStatus } from '../realtime/policy.js';
import { withinTimeLimit } from '../time-limit.js';

/**
 * The agent participant's attribute that tells the widget how the Gemini connection is:
 * `connected`, `reconnecting` (after an unplanned close, until a new connection is up) or
 * `failed` (set just before the agent leaves; the widget shows `model_unavailable`).
 */
export const MODEL_STATUS_ATTRIBUTE = 'voice-agent.model';

/**
 * How long one status may take to be confirmed before the next one goes out anyway.
 * rtc-node's `setAttributes` waits for the native side's answer with no time limit of its
 * own, and the statuses go out one after another: one answer that never came would keep
 * the widget on an old status (`reconnecting`) for the rest of the call.
 */
const CONFIRM_LIMIT_MS = 5_000;

/** Publishes each status in order; `settled()` waits for the last one to reach the server. */
export class ModelStatusAttribute {
  #last: ModelStatus | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly participant: Pick<LocalParticipant, 'setAttributes'>,
    private readonly confirmLimitMs = CONFIRM_LIMIT_MS,
  ) {}

  publish(status: ModelStatus): void {
    if (status === this.#last) return;
    this.#last = status;
    this.#chain = this.#chain.then(() => this.#send(status));
  }

  settled(): Promise<void> {
    return this.#chain;
  }

  async #send(status: ModelStatus): Promise<void> {
    // A failure is logged whenever it comes, even after the limit: only the limit is caught below.
    const sent = this.participant
      .setAttributes({ [MODEL_STATUS_ATTRIBUTE]: status })
      .catch((error: unknown) => {
        log().warn({ error, status }, 'could not publish the model status');
      });
    try {
      await withinTimeLimit(sent, this.confirmLimitMs, () => new Error('not confirmed in time'));
    } catch {
      log().warn(
        { status, limitMs: this.confirmLimitMs },
        'the model status was not confirmed in time; publishing the next one anyway',
      );
    }
  }
}
