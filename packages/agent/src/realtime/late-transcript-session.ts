import { log } from '@livekit/agents';
import {
  asGeneration,
  audioMs,
  type Generation,
  onlyTranscripts,
  type ServerContent,
  type ServerMessage,
  type TextChannel,
} from '../framework/late-transcripts.js';
import { LateInput } from './late-input.js';
import { ParkedPluginSession } from './parked-session.js';

/** At most this long after its end an answer's captions take text that comes late. */
export const LATE_WINDOW_MS = 2000;
/**
 * An answer's text ends this long before its audio can have finished playing in the room:
 * text the caption synchroniser gets after playback finished would start a segment of its own.
 */
const PLAYBACK_MARGIN_MS = 150;

/** The answer that ended last, while its audio may still be playing. */
interface LateWindow {
  answer: Generation;
  /** Its text stream, kept open meanwhile. */
  text: TextChannel;
  lateText: boolean;
  timer: NodeJS.Timeout;
}

/**
 * A transcript that arrives after its answer is done (real Gemini sends them after
 * `turnComplete`) neither starts a new answer nor counts as the visitor speaking (which
 * would cut off the answer still playing). Output text goes into the captions of the answer
 * that ended while its audio may still play; the visitor's words show at once and go to the
 * answer that starts next ({@link LateInput}). Every wait is bounded: a new answer, a
 * barge-in, a reconnect or {@link LATE_WINDOW_MS} ends it.
 */
export class LateTranscriptSession extends ParkedPluginSession {
  readonly #logger = log();
  /** Milliseconds of audio each open answer received. */
  readonly #audioMs = new WeakMap<object, number>();
  /** Answers the visitor barged into: their text is not held. */
  readonly #interrupted = new WeakSet<object>();
  #window: LateWindow | undefined;
  readonly #lateInput = new LateInput(
    (event) => this.emit('input_audio_transcription_completed', event),
    (id, text, createdAt) => this.#record('user', id, text, createdAt),
  );
  #starting = false;
  #closing = false;

  override isNewGeneration(response: ServerMessage): boolean {
    if (!response.toolCall && this.#isLate(response.serverContent)) return false;
    return super.isNewGeneration(response);
  }

  override handleServerContent(content: ServerContent): void {
    if (this.#isLate(content)) {
      this.#takeLate(content);
      return;
    }
    const answer = this.currentGeneration;
    if (answer && !answer._done && content.modelTurn) {
      this.#audioMs.set(answer, (this.#audioMs.get(answer) ?? 0) + audioMs(content));
    }
    super.handleServerContent(content);
  }

  override startNewGeneration(): void {
    this.#endLateWindow();
    this.#starting = true;
    try {
      super.startNewGeneration();
    } finally {
      this.#starting = false;
    }
    if (this.currentGeneration) this.#lateInput.handTo(asGeneration(this.currentGeneration));
  }

  /** A barge-in (or a new answer): the answer that ended takes nothing more. */
  override handleInputSpeechStarted(): void {
    this.#endLateWindow();
    const answer = this.currentGeneration;
    if (answer && !answer._done && !this.#starting) this.#interrupted.add(answer);
    super.handleInputSpeechStarted();
  }

  override markCurrentGenerationDone(keepFunctionChannelOpen?: boolean, gen?: unknown): void {
    const target = (gen ?? this.currentGeneration) as { _done: boolean } | undefined;
    if (!target || target._done) {
      super.markCurrentGenerationDone(keepFunctionChannelOpen, gen);
      return;
    }
    const answer = asGeneration(target);
    const holdMs = this.#textHoldMs(answer);
    const text = answer.textChannel;
    // The plugin closes the text stream here; it stays open while the audio plays.
    if (holdMs > 0)
      answer.textChannel = { write: (t) => text.write(t), close: async () => {}, closed: false };
    try {
      super.markCurrentGenerationDone(keepFunctionChannelOpen, gen);
    } finally {
      answer.textChannel = text;
    }
    if (holdMs > 0 && !this.#closing) this.#open(answer, text, holdMs);
  }

  override async close(): Promise<void> {
    this.#closing = true;
    this.#endLateWindow();
    this.#lateInput.clear();
    await super.close();
  }

  /** Nothing more comes for the answer that ended (a reconnect): late transcripts end now. */
  protected endLateTranscripts(): void {
    this.#endLateWindow();
    this.#lateInput.end();
  }

  /** The answer that ended takes no more text. */
  #endLateWindow(): void {
    const window = this.#window;
    if (!window) return;
    this.#window = undefined;
    clearTimeout(window.timer);
    const { answer, text } = window;
    if (window.lateText) this.#record('assistant', answer.responseId, answer.outputText);
    void text.close().catch(() => undefined);
  }

  #isLate(content: ServerContent | undefined): boolean {
    const answer = this.currentGeneration;
    return onlyTranscripts(content) && (!answer || answer._done);
  }

  /** How long the answer's text may stay open: not past the end of its audio's playback. */
  #textHoldMs(answer: Generation): number {
    if (answer._firstTokenTimestamp === undefined || this.#interrupted.has(answer)) return 0;
    // Playback starts no earlier than the first audio arrived, and runs in real time.
    const playedBy = answer._firstTokenTimestamp + (this.#audioMs.get(answer) ?? 0);
    return Math.min(LATE_WINDOW_MS, playedBy - PLAYBACK_MARGIN_MS - Date.now());
  }

  #open(answer: Generation, text: TextChannel, holdMs: number): void {
    this.#endLateWindow();
    const timer = setTimeout(() => this.#endLateWindow(), holdMs);
    this.#window = { answer, text, lateText: false, timer };
  }

  #takeLate(content: ServerContent): void {
    const output = content.outputTranscription?.text;
    const input = content.inputTranscription?.text;
    if (input) this.#lateInput.take(input);
    if (!output) return;
    const window = this.#window;
    if (!window) {
      // Its answer was played: a caption now would start a segment of its own.
      this.#logger.debug({ output }, 'transcript after its answer was played: dropped');
      return;
    }
    window.answer.outputText += output;
    window.lateText = true;
    void window.text.write(output).catch(() => undefined);
  }

  /** Puts late text into the history the session replays on a new connection. */
  #record(role: 'user' | 'assistant', id: string, text: string, createdAt?: number): void {
    const item = this._chatCtx.getById(id);
    if (item?.type === 'message') item.content = [text];
    else this._chatCtx.addMessage({ role, content: text, id, createdAt });
  }
}
