import { realtime } from '@livekit/agents-plugin-google';
import { DEFAULT_RESILIENCE, type ModelStatus, type ResilienceOptions } from './policy.js';
import { ResilientRealtimeSession } from './session.js';

/** Options of the Google plugin's RealtimeModel. */
export type RealtimeModelOptions = NonNullable<
  ConstructorParameters<typeof realtime.RealtimeModel>[0]
>;

/** Tuning of reconnects, and who hears the model's status. */
export type ModelResilience = Partial<Omit<ResilienceOptions, 'onStatus'>> & {
  onStatus?: (status: ModelStatus) => void;
};

/**
 * The Google plugin's RealtimeModel whose sessions survive goAway, closes and refused
 * handles ({@link ResilientRealtimeSession}). `onStatus` hears `reconnecting`, `connected` and
 * `failed` from every session of the model.
 */
export class ResilientRealtimeModel extends realtime.RealtimeModel {
  readonly #resilience: ResilienceOptions;
  #latest: ResilientRealtimeSession | undefined;

  constructor(options: RealtimeModelOptions, resilience: ModelResilience = {}) {
    super(options);
    this.#resilience = { ...DEFAULT_RESILIENCE, onStatus: () => undefined, ...resilience };
  }

  override session(): ReturnType<realtime.RealtimeModel['session']> {
    this.#latest = new ResilientRealtimeSession(this, this.#resilience);
    return this.#latest as unknown as ReturnType<realtime.RealtimeModel['session']>;
  }

  /**
   * Resolves once the latest session has a current connection and no switch planned (at
   * once if there is no session): see {@link ResilientRealtimeSession.settled}.
   */
  settled(): Promise<void> {
    return this.#latest?.settled() ?? Promise.resolve();
  }
}
