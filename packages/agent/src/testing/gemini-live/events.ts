/** One thing the stand-in does, in order, as a Gemini Live server would. */
export type ServerEvent =
  /** Model audio: 24 kHz mono PCM16, sent as `inlineData` chunks of `chunkMs` (default 40). */
  | { type: 'audio'; pcm: Int16Array; chunkMs?: number }
  | { type: 'outputTranscription'; text: string }
  | { type: 'inputTranscription'; text: string }
  /**
   * An `outputTranscription` whose text depends on the connection's context (turns restored
   * from the resumption handle, `clientContent` turns, typed text, transcriptions): `answer`
   * with `$1`… replaced by the groups of the latest user turn matching `pattern`, or
   * `otherwise` when no user turn matches.
   */
  | { type: 'recall'; pattern: RegExp | string; answer: string; otherwise: string }
  /** One `toolCall` message holding every call (parallel calls in one turn). */
  | { type: 'toolCall'; calls: ScriptedToolCall[] }
  | { type: 'interrupted' }
  | { type: 'generationComplete' }
  | { type: 'turnComplete' }
  /**
   * `goAway{timeLeft}` (default `1s`); like Gemini, the stand-in closes the connection with
   * 1011 "Deadline expired" when the time is up, unless the client closed it first.
   */
  | { type: 'goAway'; timeLeft?: string }
  /** A handle update; without `newHandle` it says `resumable: false`. */
  | { type: 'sessionResumptionUpdate'; newHandle?: string; resumable?: boolean }
  /** Closes the WebSocket with this code: 1011 mid-answer, 1000 with no goAway, 1008, … */
  | { type: 'close'; code: number; reason?: string }
  /** From now on the connection answers nothing (no reactions, no updates), but stays open. */
  | { type: 'silence' }
  /**
   * From now on, when the client closes this connection, the stand-in answers its close
   * late, as a loaded server does: it plays `events` (messages the client no longer wants),
   * waits `ms`, then closes with `code` (default 1011), which the client sees last.
   */
  | { type: 'lingerOnClose'; ms: number; events?: ServerEvent[]; code?: number; reason?: string }
  /** Any other server message, verbatim. */
  | { type: 'raw'; message: Record<string, unknown> }
  /** A pause before the next event. */
  | { type: 'wait'; ms: number };

export interface ScriptedToolCall {
  /** Defaults to a fresh `call-<n>`. */
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

/** Sample rate of the model's audio. */
export const OUTPUT_SAMPLE_RATE = 24_000;

/** A sine tone at 24 kHz, for model audio a test can detect. */
export function tonePcm({
  frequency = 440,
  durationMs = 500,
  amplitude = 0.5,
}: {
  frequency?: number;
  durationMs?: number;
  amplitude?: number;
} = {}): Int16Array {
  const samples = Math.round((OUTPUT_SAMPLE_RATE * durationMs) / 1000);
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i++) {
    pcm[i] = Math.round(
      Math.sin((2 * Math.PI * frequency * i) / OUTPUT_SAMPLE_RATE) * amplitude * 32767,
    );
  }
  return pcm;
}

/**
 * A complete spoken model turn: audio (a tone unless given), its transcript, then
 * `generationComplete` and `turnComplete`.
 */
export function spokenTurn(text: string, pcm: Int16Array = tonePcm()): ServerEvent[] {
  return [
    { type: 'audio', pcm },
    { type: 'outputTranscription', text },
    { type: 'generationComplete' },
    { type: 'turnComplete' },
  ];
}

/** A model turn that only calls tools (several calls are answered in parallel). */
export function toolCallTurn(...calls: ScriptedToolCall[]): ServerEvent[] {
  return [{ type: 'toolCall', calls }];
}

/**
 * A tool turn as real Gemini sends it: preamble audio and its transcript, the `toolCall`
 * (one message per entry of `toolCalls`: several calls in one message, or several
 * messages in one turn), trailing audio, then `generationComplete` and `turnComplete`.
 */
export function toolTurnWithSpeech({
  preamble,
  toolCalls,
  trailing,
  pcm = tonePcm({ durationMs: 300 }),
}: {
  preamble: string;
  toolCalls: ScriptedToolCall[][];
  trailing: string;
  pcm?: Int16Array;
}): ServerEvent[] {
  return [
    { type: 'audio', pcm },
    { type: 'outputTranscription', text: preamble },
    ...toolCalls.map((calls): ServerEvent => ({ type: 'toolCall', calls })),
    { type: 'audio', pcm },
    { type: 'outputTranscription', text: trailing },
    { type: 'generationComplete' },
    { type: 'turnComplete' },
  ];
}

/**
 * A spoken turn whose transcript comes late, in `pieces` chunks after `turnComplete`, as
 * real Gemini's transcriptions can.
 */
export function lateTranscriptTurn(
  text: string,
  pieces = 3,
  pcm: Int16Array = tonePcm(),
): ServerEvent[] {
  return [
    { type: 'audio', pcm },
    { type: 'generationComplete' },
    { type: 'turnComplete' },
    ...chunkedTranscription(text, pieces),
  ];
}

/** `text` as `pieces` consecutive `outputTranscription` events (split at word boundaries). */
export function chunkedTranscription(text: string, pieces: number): ServerEvent[] {
  const words = text.split(/(?<=\s)/);
  const size = Math.max(1, Math.ceil(words.length / pieces));
  const events: ServerEvent[] = [];
  for (let start = 0; start < words.length; start += size) {
    events.push({ type: 'outputTranscription', text: words.slice(start, start + size).join('') });
  }
  return events;
}

/** A barge-in as Gemini reports it: `interrupted`, then `turnComplete`, no `generationComplete`. */
export function bargeIn(): ServerEvent[] {
  return [{ type: 'interrupted' }, { type: 'turnComplete' }];
}

/** A spoken turn whose transcript recalls a fact from the connection's context (see `recall`). */
export function recallingTurn(
  recall: { pattern: RegExp | string; answer: string; otherwise: string },
  pcm: Int16Array = tonePcm(),
): ServerEvent[] {
  return [
    { type: 'audio', pcm },
    { type: 'recall', ...recall },
    { type: 'generationComplete' },
    { type: 'turnComplete' },
  ];
}
