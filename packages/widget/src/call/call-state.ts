import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VoiceAgentError } from '../errors/errors.js';
import { type VoiceAgentEndedDetail, VoiceAgentEndedEvent } from '../events/ended.js';
import { VoiceAgentErrorEvent } from '../events/error.js';
import { VoiceAgentStateEvent } from '../events/state.js';
import { VoiceAgentTranscriptEvent } from '../events/transcript.js';
import { type CallEvent, isActive, nextState, type VoiceAgentState } from '../state/state.js';
import { TranscriptLog, type TranscriptSegment } from '../transcript/transcript.js';

/**
 * What the element renders about the call: its state, the last error, why it ended, whether
 * the connection is being restored, and the captions. Lives in the loader, so the element has
 * it before the call code (livekit-client) has loaded; the call code reports to it, and it
 * fires the state, error, ended and transcript events.
 */
export class CallState implements ReactiveController {
  /** The last failure, shown until the next start. */
  error: VoiceAgentError | undefined;
  /** Why the last call ended. */
  endedBy: VoiceAgentEndedDetail['reason'] | undefined;
  /** The visitor's connection dropped and livekit-client is restoring it. */
  connectionLost = false;
  /** An earlier page's call could not be continued, so this call is a new one. */
  startedAfresh = false;
  readonly transcript = new TranscriptLog();

  readonly #host: ReactiveControllerHost & EventTarget;
  #state: VoiceAgentState = 'idle';
  /** start() was called and the call code is still loading: shown as `connecting`, silently. */
  #loading = false;

  constructor(host: ReactiveControllerHost & EventTarget) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {}

  /** What the widget is doing now. */
  get state(): VoiceAgentState {
    return this.#loading && !isActive(this.#state) ? 'connecting' : this.#state;
  }

  /** Marks the wait for the call code (no event: the call fires `connecting` when it starts). */
  setLoading(loading: boolean): void {
    this.#loading = loading;
    if (loading) this.error = undefined;
    this.#host.requestUpdate();
  }

  /**
   * A new call: clears what the last one left, then goes to `connecting`. A call `resuming` an
   * earlier page's keeps the captions {@link restore}d from it.
   */
  begin(options: { resuming?: boolean } = {}): void {
    this.error = undefined;
    this.endedBy = undefined;
    this.connectionLost = false;
    this.startedAfresh = false;
    if (!options.resuming) this.transcript.clear();
    this.#loading = false;
    this.apply({ type: 'start' });
  }

  /** Applies what happened; fires `voice-agent-state` when the state changes. */
  apply(event: CallEvent): void {
    const state = nextState(this.#state, event);
    this.#host.requestUpdate();
    if (state === this.#state) return;
    this.#state = state;
    this.#host.dispatchEvent(new VoiceAgentStateEvent({ state }));
  }

  /** The call failed: state `error`, then the error and ended events. */
  fail(error: VoiceAgentError, options: { ended?: boolean } = {}): void {
    this.#loading = false;
    this.error = error;
    this.connectionLost = false;
    this.apply({ type: 'fail' });
    const { code, message, retryAfterSeconds } = error;
    this.#host.dispatchEvent(
      new VoiceAgentErrorEvent({
        code,
        message,
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      }),
    );
    if (options.ended !== false) {
      this.#host.dispatchEvent(new VoiceAgentEndedEvent({ reason: 'error' }));
    }
  }

  /** The call is over (unless none was under way): state `ended` and the ended event. */
  end(reason: VoiceAgentEndedDetail['reason']): void {
    this.#loading = false;
    if (!isActive(this.#state)) {
      this.#host.requestUpdate();
      return;
    }
    this.endedBy = reason;
    this.apply({ type: 'end' });
    this.#host.dispatchEvent(new VoiceAgentEndedEvent({ reason }));
  }

  /** Shows an earlier page's captions (`persist`), before its call is continued. */
  restore(segments: readonly TranscriptSegment[]): void {
    this.transcript.clear();
    for (const segment of segments) this.transcript.update(segment);
    this.#host.requestUpdate();
  }

  /** The earlier page's call could not be continued: its captions go, a notice says so. */
  startAfresh(): void {
    this.transcript.clear();
    this.startedAfresh = true;
    this.#host.requestUpdate();
  }

  /** Adds or updates a caption and fires `voice-agent-transcript`. */
  caption(segment: Parameters<TranscriptLog['update']>[0]): void {
    this.#host.dispatchEvent(new VoiceAgentTranscriptEvent(this.transcript.update(segment)));
    this.#host.requestUpdate();
  }
}
