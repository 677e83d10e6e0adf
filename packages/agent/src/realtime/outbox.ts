import type { ClientEvent } from '../framework/google-plugin.js';

/** Audio events kept at most in one list: 10 s of the plugin's 50 ms chunks. */
export const MAX_AUDIO_EVENTS = 200;

const isAudio = (event: ClientEvent) =>
  event.type === 'realtime_input' && event.value.audio !== undefined;

/**
 * An ordered list of client events with bounded audio: past the limit the oldest audio goes
 * first; content and tool responses are never dropped.
 */
export class EventList {
  #events: ClientEvent[] = [];
  #audio = 0;

  get length(): number {
    return this.#events.length;
  }

  push(event: ClientEvent): void {
    this.#events.push(event);
    if (!isAudio(event)) return;
    this.#audio += 1;
    if (this.#audio <= MAX_AUDIO_EVENTS) return;
    const oldest = this.#events.findIndex(isAudio);
    this.#events.splice(oldest, 1);
    this.#audio -= 1;
  }

  shift(): ClientEvent | undefined {
    const event = this.#events.shift();
    if (event && isAudio(event)) this.#audio -= 1;
    return event;
  }

  /** Removes and returns everything. */
  take(): ClientEvent[] {
    this.#audio = 0;
    return this.#events.splice(0);
  }

  /** Puts `events` before what is queued, e.g. what must be replayed on a new connection. */
  prepend(events: ClientEvent[]): void {
    const rest = this.take();
    for (const event of [...events, ...rest]) this.push(event);
  }
}

/**
 * Drops content updates the history replay already holds: the plugin adds a chat update to
 * its history when it queues it, so after a replay sending it again would give it twice.
 */
export function withoutReplayed(events: ClientEvent[], history: unknown[]): ClientEvent[] {
  const replayed = new Set(history.map((turn) => JSON.stringify(turn)));
  return events.filter(
    (event) =>
      event.type !== 'content' ||
      event.value.turnComplete === true ||
      !event.value.turns.every((turn) => replayed.has(JSON.stringify(turn))),
  );
}
