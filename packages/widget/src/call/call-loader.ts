import { VoiceAgentError } from '../errors/errors.js';
import { isActive } from '../state/state.js';
import type { Call } from './call.js';
import type { CallHost } from './call-host.js';

/** What the loader needs from the element besides what the call needs. */
export interface CallLoaderHost extends CallHost {
  /** Whether calls start with the microphone muted (the `start-muted` attribute). */
  readonly startMuted: boolean;
}

/**
 * The element's side of the lazily loaded call code: loads it on intent or on `start()`,
 * remembers what the visitor asked for meanwhile (a start, a mute), and hands over to the
 * one `Call` once it is there. Lives in the loader; only the call's type is imported.
 */
export class CallLoader {
  readonly #host: CallLoaderHost;
  #call: Call | undefined;
  #loading: Promise<Call> | undefined;
  #startPending = false;
  #mutedRequest: boolean | undefined;

  constructor(host: CallLoaderHost) {
    this.#host = host;
  }

  /** Whether the microphone is muted (or, before a call, whether the next one starts muted). */
  get muted(): boolean {
    if (this.#call && isActive(this.#host.call.state)) return this.#call.muted;
    return this.#mutedRequest ?? this.#host.startMuted;
  }

  /**
   * Starts a call once the code is there. Call from a gesture: the audio is unlocked here.
   * With an earlier page's resume ticket (`persist`), it rejoins that call.
   */
  start(): Promise<void> {
    // Created inside the gesture: resuming it later would not be allowed on iOS Safari.
    const audioContext = new AudioContext();
    void audioContext.resume().catch(() => undefined);
    this.#startPending = true;
    this.#host.call.setLoading(true);
    return this.load().then(
      (call) => {
        if (!this.#startPending) {
          // end() was called while the call code was loading.
          void audioContext.close();
          return;
        }
        this.#startPending = false;
        const muted = this.#mutedRequest ?? this.#host.startMuted;
        this.#mutedRequest = undefined;
        const resumeTicket = this.#host.persistence.takeTicket();
        return call.start({ muted, audioContext, resumeTicket });
      },
      (cause: unknown) => {
        void audioContext.close();
        this.#startPending = false;
        const error = new VoiceAgentError('load_failed', 'The call code did not load.', { cause });
        // No call began, so none ends: no voice-agent-ended.
        this.#host.call.fail(error, { ended: false });
      },
    );
  }

  /** Hangs up, or cancels a start still waiting for the code. */
  async end(): Promise<void> {
    this.#startPending = false;
    if (this.#call) await this.#call.end();
    else this.#host.call.end('user');
  }

  /** Mutes or unmutes the microphone; before a call, for the next one. */
  async mute(on: boolean): Promise<void> {
    if (this.#call && isActive(this.#host.call.state)) {
      await this.#call.setMuted(on);
      return;
    }
    // No call yet: this is how the next one starts.
    this.#mutedRequest = on;
    this.#host.requestUpdate();
  }

  /** Sends typed text to the agent (loading the code first if needed). */
  async sendText(text: string): Promise<void> {
    const call = this.#call ?? (await this.load());
    await call.sendText(text);
  }

  /** The call, once its code has loaded (at most one load). */
  load(): Promise<Call> {
    this.#loading ??= import('./call.js').then(({ Call }) => {
      this.#call = new Call(this.#host);
      return this.#call;
    });
    return this.#loading;
  }
}
