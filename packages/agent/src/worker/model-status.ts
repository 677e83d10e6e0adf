import { log } from '@livekit/agents';
import type { LocalParticipant } from '@livekit/rtc-node';
import type { ModelStatus } from '../realtime/policy.js';

/**
 * The agent participant's attribute that tells the widget how the Gemini connection is:
 * `connected`, `reconnecting` (after an unplanned close, until a new connection is up) or
 * `failed` (set just before the agent leaves; the widget shows `model_unavailable`).
 */
export const MODEL_STATUS_ATTRIBUTE = 'voice-agent.model';

/** Publishes each status in order; `settled()` waits for the last one to reach the server. */
export class ModelStatusAttribute {
  #last: ModelStatus | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(private readonly participant: LocalParticipant) {}

  publish(status: ModelStatus): void {
    if (status === this.#last) return;
    this.#last = status;
    this.#chain = this.#chain
      .then(() => this.participant.setAttributes({ [MODEL_STATUS_ATTRIBUTE]: status }))
      .catch((error: unknown) =>
        log().warn({ error, status }, 'could not publish the model status'),
      );
  }

  settled(): Promise<void> {
    return this.#chain;
  }
}
