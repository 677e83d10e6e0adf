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
import { ParkedPluginSession } from './parked-session.js';

/** How long after its end an answer takes transcripts that come late. */
export const LATE_WINDOW_MS = 2000;
/**
 * An answer's text ends this long before its audio can have finished playing in the room:
 * text the caption synchroniser gets after playback finished would start a segment of its own.
 */
const PLAYBACK_MARGIN_MS = 150;

/** The answer that ended last, while it still takes late transcripts. */
interface LateWindow {
  answer: Generation;
  /** Its text stream, kept open while its audio may still be playing. */
  text: TextChannel | undefined;
  lateText: boolean;
  lateInput: boolean;
  timers: NodeJS.Timeout[];
}

/**
 * A transcript that arrives after its answer is done (real Gemini sends them after
 * `turnComplete`) goes to that answer: its output text into the answer's captions while the
 * answer still plays, the visitor's words into their own transcript. It neither starts a new
 * answer nor counts as the visitor speaking (which would cut the answer off). Every wait is
 * bounded: a new answer, a barge-in, a reconnect or {@link LATE_WINDOW_MS} ends it.
 */
export class LateTranscriptSession extends ParkedPluginSession {
  readonly #logger = log();
  /** Milliseconds of audio each open answer received. */
  readonly #audioMs = new WeakMap<object, number>();
  /** Answers the visitor barged into: their text is not held. */
  readonly #interrupted = new WeakSet<object>();
  #window: LateWindow | undefined;
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
    this.endLateWindow();
    this.#starting = true;
    try {
      super.startNewGeneration();
    } finally {
      this.#starting = false;
    }
  }

  /** A barge-in (or a new answer): the answer that ended takes nothing more. */
  override handleInputSpeechStarted(): void {
    this.endLateWindow();
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
    if (!this.#closing) this.#open(answer, holdMs > 0 ? text : undefined, holdMs);
  }

  override async close(): Promise<void> {
    this.#closing = true;
    this.endLateWindow();
    await super.close();
  }

  /** Ends the late window now (a reconnect: nothing more comes for the answer that ended). */
  protected endLateWindow(): void {
    const window = this.#window;
    if (!window) return;
    this.#window = undefined;
    for (const timer of window.timers) clearTimeout(timer);
    this.#endText(window);
    if (!window.lateInput) return;
    const { answer } = window;
    this.emit('input_audio_transcription_completed', {
      itemId: answer.inputId,
      transcript: answer.inputTranscription,
      isFinal: true,
      turnStartedAt: answer._createdTimestamp,
    });
    this.#record('user', answer.inputId, answer.inputTranscription, answer._createdTimestamp);
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

  #open(answer: Generation, text: TextChannel | undefined, holdMs: number): void {
    this.endLateWindow();
    const window: LateWindow = { answer, text, lateText: false, lateInput: false, timers: [] };
    this.#window = window;
    window.timers.push(setTimeout(() => this.endLateWindow(), LATE_WINDOW_MS));
    if (text) window.timers.push(setTimeout(() => this.#endText(window), holdMs));
  }

  #takeLate(content: ServerContent): void {
    const window = this.#window;
    const output = content.outputTranscription?.text;
    const input = content.inputTranscription?.text;
    if (!window) {
      this.#logger.debug({ output, input }, 'transcript after its answer ended: dropped');
      return;
    }
    const { answer } = window;
    if (output && window.text) {
      answer.outputText += output;
      window.lateText = true;
      void window.text.write(output).catch(() => undefined);
    } else if (output) {
      this.#logger.debug({ output }, 'transcript after its answer was played: dropped');
    }
    if (input) {
      answer.inputTranscription += answer.inputTranscription === '' ? input.trimStart() : input;
      window.lateInput = true;
      this.emit('input_audio_transcription_completed', {
        itemId: answer.inputId,
        transcript: answer.inputTranscription,
        isFinal: false,
      });
    }
  }

  /** Ends the answer's text (an empty one if it had none, so its caption segment ends). */
  #endText(window: LateWindow): void {
    const { text, answer } = window;
    if (!text) return;
    window.text = undefined;
    if (window.lateText) this.#record('assistant', answer.responseId, answer.outputText);
    void text.close().catch(() => undefined);
  }

  /** Puts late text into the history the session replays on a new connection. */
  #record(role: 'user' | 'assistant', id: string, text: string, createdAt?: number): void {
    const item = this._chatCtx.getById(id);
    if (item?.type === 'message') item.content = [text];
    else this._chatCtx.addMessage({ role, content: text, id, createdAt });
  }
}
