import type { LiveServerMessage } from '@google/genai';
import type { ClientEvent } from '../framework/google-plugin.js';
import { EventList, withoutReplayed } from './outbox.js';

/** Whether Gemini answers `event` (a reply request or a tool result). */
export const expectsAnswer = (event: ClientEvent) =>
  event.type === 'tool_response' || (event.type === 'content' && event.value.turnComplete === true);

/** A reply request that adds nothing but a placeholder to the context. */
const ASK_AGAIN: ClientEvent = {
  type: 'content',
  value: { turns: [{ parts: [{ text: '.' }], role: 'user' }], turnComplete: true },
};

/**
 * What a new connection needs to go on where the last one stopped: the events waiting to be
 * sent, the last resumable handle, and what was sent since it (or since the last completed
 * turn, for a history replay), so that a new connection gets the context exactly once.
 */
export class ReplayState {
  /** Waiting to be sent. */
  readonly outbox = new EventList();
  /** Sent since the last resumable handle: replayed when resuming with it. */
  #sinceHandle = new EventList();
  /** Sent since the last completed turn: replayed after a history replay. */
  #sinceTurn = new EventList();
  /** The last resumable handle, taken as it arrives (the plugin stores it later, locked). */
  #handle: string | undefined;
  /** The model spoke, called a tool or ended a turn since the last handle: resuming loses it. */
  #stale = false;
  /** A reply request or tool result was sent and its answer is not complete yet. */
  #unanswered = false;
  /**
   * The model's turn in progress: `speaking` until it completes, `calling` once it called a
   * tool (its results, not a new request, ask for the rest).
   */
  #turn: 'none' | 'speaking' | 'calling' = 'none';

  /**
   * The handle to resume with, unless resuming could lose part of the conversation. While a
   * request is unanswered no handle is certain to hold it: one Gemini issued before the
   * request reached it can arrive after it was sent, and during the answer Gemini issues none
   * (`resumable: false`). A switch then gives the history, which holds the request once.
   */
  get resumeHandle(): string | undefined {
    return this.#stale || this.#unanswered ? undefined : this.#handle;
  }

  /** Whether something happened since the last handle that the handle does not hold. */
  get stale(): boolean {
    return this.#stale;
  }

  /** Gemini refused the handle: the next connection gets the history. */
  forgetHandle(): void {
    this.#handle = undefined;
  }

  /** Records an event sent on the current connection; true if Gemini must answer it. */
  sent(event: ClientEvent): boolean {
    this.#sinceHandle.push(event);
    this.#sinceTurn.push(event);
    if (!expectsAnswer(event)) return false;
    this.#unanswered = true;
    return true;
  }

  /** Follows what the server says: new handles, completed turns, tool calls. */
  received(message: LiveServerMessage): void {
    const update = message.sessionResumptionUpdate;
    if (update?.resumable && update.newHandle) {
      this.#handle = update.newHandle;
      this.#sinceHandle = new EventList();
      this.#stale = false;
    }
    if (message.serverContent?.turnComplete) {
      this.#sinceTurn = new EventList();
      this.#stale = true;
    }
    // Gemini issues no handle during a turn: the last one predates it.
    if (message.toolCall || message.serverContent?.modelTurn) this.#stale = true;
    if (message.serverContent?.modelTurn && this.#turn === 'none') this.#turn = 'speaking';
    if (message.toolCall) this.#turn = 'calling';
    // Answered only once the turn is complete: one cut off is asked again.
    if (message.toolCall || message.serverContent?.turnComplete) this.#unanswered = false;
    if (message.serverContent?.turnComplete) this.#turn = 'none';
  }

  /** For a connection that resumed with the handle: what was sent after the handle goes first. */
  resumed(): void {
    this.#adopted(this.#sinceHandle.take());
  }

  /**
   * For a connection that was given the history (`turns`): what was sent since the last
   * completed turn goes first, without the content updates the history already holds. An
   * answer that was cut off is asked again, also when nothing sent asked for it (the visitor
   * spoke), with the placeholder the plugin's own reply requests carry; not one that called
   * a tool, whose result asks for the rest.
   */
  replayedHistory(turns: unknown[]): void {
    const replay = withoutReplayed(this.#sinceTurn.take(), turns);
    if (this.#turn === 'speaking' && !replay.some(expectsAnswer)) replay.push(ASK_AGAIN);
    this.outbox.prepend(withoutReplayed(this.outbox.take(), turns));
    this.#adopted(replay);
  }

  #adopted(replay: ClientEvent[]): void {
    this.outbox.prepend(replay);
    this.#sinceHandle = new EventList();
    this.#sinceTurn = new EventList();
    this.#stale = false;
    this.#turn = 'none';
  }
}
