import { randomUUID } from 'node:crypto';
import type { Generation } from '../framework/late-transcripts.js';

/** How long the visitor's words wait for the answer to them before they stand on their own. */
const WAIT_FOR_ANSWER_MS = 2000;

/** The plugin's `input_audio_transcription_completed` event. */
export interface InputTranscript {
  itemId: string;
  transcript: string;
  isFinal: boolean;
  turnStartedAt?: number;
}

interface Pending {
  text: string;
  id: string;
  since: number;
  timer: NodeJS.Timeout;
}

/**
 * The visitor's words that Gemini transcribed while no answer was open: the start of their
 * next turn (Gemini transcribes as they speak) or the tail of the turn just answered. They
 * are shown at once; the answer that starts next takes them as its input, as the plugin has
 * it; if none starts in time they become a turn of the visitor's own.
 */
export class LateInput {
  #pending: Pending | undefined;

  constructor(
    private readonly emit: (event: InputTranscript) => void,
    private readonly record: (id: string, text: string, createdAt: number) => void,
  ) {}

  take(text: string): void {
    if (!this.#pending) {
      const timer = setTimeout(() => this.end(), WAIT_FOR_ANSWER_MS);
      this.#pending = { text: '', id: `GI_${randomUUID()}`, since: Date.now(), timer };
    }
    const pending = this.#pending;
    pending.text += pending.text === '' ? text.trimStart() : text;
    this.emit({ itemId: pending.id, transcript: pending.text, isFinal: false });
  }

  /** `answer` just started: the words are its input (the plugin ends them with it). */
  handTo(answer: Generation): void {
    const pending = this.#take();
    if (!pending) return;
    answer.inputTranscription = pending.text + answer.inputTranscription;
    answer.inputId = pending.id;
    answer._createdTimestamp = pending.since;
  }

  /** No answer came for them (or the connection changed): they end as the visitor's turn. */
  end(): void {
    const pending = this.#take();
    if (!pending) return;
    const { id, text, since } = pending;
    this.emit({ itemId: id, transcript: text, isFinal: true, turnStartedAt: since });
    this.record(id, text, since);
  }

  /** The session closed. */
  clear(): void {
    this.#take();
  }

  #take(): Pending | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) clearTimeout(pending.timer);
    return pending;
  }
}
