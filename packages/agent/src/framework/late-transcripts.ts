import { requireFrameworkVersion } from './framework-version.js';
import { FrameworkShapeError } from './google-plugin.js';

/**
 * Real Gemini Live sends transcriptions in no fixed order relative to the audio, and often
 * after `turnComplete`. The Google plugin (1.9.0) treats a message holding only a
 * transcription that arrives once its answer is done as the start of a new answer
 * (`isNewGeneration` → `startNewGeneration`), which emits `input_speech_started`: @livekit/agents
 * 1.9.0's `AgentActivity.onInputSpeechStarted` then interrupts the answer still playing in
 * the room, as if the visitor had barged in, and the late text becomes the caption of a phantom
 * reply (or of the next one). Here such a message belongs to the answer that just ended.
 */
requireFrameworkVersion('late transcript', '1.9.0');

/** The plugin's generation (`RealtimeSession.currentGeneration`), the fields read here. */
export interface Generation {
  _done: boolean;
  outputText: string;
  inputTranscription: string;
  inputId: string;
  responseId: string;
  _createdTimestamp: number;
  /** Set by the plugin when the answer's first audio arrived. */
  _firstTokenTimestamp?: number;
  textChannel: TextChannel;
}

/** The plugin's text stream of an answer (the framework reads it for the captions). */
export interface TextChannel {
  write(text: string): Promise<void>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** The part of a server message this fix reads (`LiveServerMessage`). */
export interface ServerMessage {
  toolCall?: unknown;
  serverContent?: ServerContent;
}

/** `LiveServerContent`, the fields the plugin acts on. */
export interface ServerContent {
  modelTurn?: { parts?: { inlineData?: { data?: string } }[] };
  outputTranscription?: { text?: string };
  inputTranscription?: { text?: string };
  interrupted?: boolean;
  generationComplete?: boolean;
  turnComplete?: boolean;
}

/** Bytes per millisecond of the model's audio (24 kHz mono PCM16). */
const BYTES_PER_MS = 48;

/** Whether `content` holds transcriptions and nothing else the plugin acts on. */
export function onlyTranscripts(content: ServerContent | undefined): content is ServerContent {
  if (!content) return false;
  const transcript = content.outputTranscription != null || content.inputTranscription != null;
  return (
    transcript &&
    !content.modelTurn &&
    !content.interrupted &&
    content.generationComplete == null &&
    content.turnComplete == null
  );
}

/** Milliseconds of model audio in `content`. */
export function audioMs(content: ServerContent): number {
  let bytes = 0;
  for (const part of content.modelTurn?.parts ?? []) {
    const data = part.inlineData?.data;
    if (typeof data === 'string') bytes += Math.floor((data.replace(/=+$/, '').length * 3) / 4);
  }
  return bytes / BYTES_PER_MS;
}

/** Checks a generation for the fields above. @throws {FrameworkShapeError} */
export function asGeneration(generation: unknown): Generation {
  const answer = generation as Partial<Generation>;
  const channel = answer.textChannel;
  if (
    typeof answer.outputText !== 'string' ||
    typeof answer.inputTranscription !== 'string' ||
    typeof answer.inputId !== 'string' ||
    typeof answer._createdTimestamp !== 'number' ||
    typeof channel?.write !== 'function' ||
    typeof channel.close !== 'function'
  ) {
    throw new FrameworkShapeError('a generation no longer has its text channel and transcripts');
  }
  return answer as Generation;
}
