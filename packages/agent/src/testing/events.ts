/** One thing the stand-in sends, in order, as a Gemini Live server would. */
export type ServerEvent =
  /** Model audio: 24 kHz mono PCM16, sent as `inlineData` chunks of `chunkMs` (default 40). */
  | { type: 'audio'; pcm: Int16Array; chunkMs?: number }
  | { type: 'outputTranscription'; text: string }
  | { type: 'inputTranscription'; text: string }
  /** One `toolCall` message holding every call (parallel calls in one turn). */
  | { type: 'toolCall'; calls: ScriptedToolCall[] }
  | { type: 'interrupted' }
  | { type: 'generationComplete' }
  | { type: 'turnComplete' }
  /** Asks the client to reconnect; the plugin closes and opens a new session. */
  | { type: 'goAway'; timeLeft?: string }
  | { type: 'sessionResumptionUpdate'; newHandle: string; resumable?: boolean }
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
