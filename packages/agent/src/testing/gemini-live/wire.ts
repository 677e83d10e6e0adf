import { OUTPUT_SAMPLE_RATE, type ServerEvent } from './events.js';

/** What a client message was, by its top-level key. */
export type ReceivedKind = 'setup' | 'realtimeInput' | 'clientContent' | 'toolResponse' | 'other';

/** A client message the stand-in received. */
export interface ReceivedMessage {
  /** 1 for the first WebSocket connection, 2 for the next (after a reconnect), … */
  connection: number;
  kind: ReceivedKind;
  // biome-ignore lint/suspicious/noExplicitAny: recorded wire JSON; tests read it freely
  message: Record<string, any>;
}

/** A message the stand-in sent (or `{close: {code, reason}}`, a close it made). */
export interface SentMessage {
  connection: number;
  // biome-ignore lint/suspicious/noExplicitAny: recorded wire JSON; tests read it freely
  message: Record<string, any>;
}

const INPUT_SAMPLE_RATE = 16_000;

/**
 * One line per sent message, for a failure's dump: `#connection message` (cut at 120
 * characters), a run of audio chunks as one line (`#connection audio ×N`).
 */
export function sentSummary(sent: SentMessage[]): string[] {
  const lines: string[] = [];
  let run = { line: '', count: 0 };
  const flush = () => {
    if (run.count > 0) lines.push(run.count > 1 ? `${run.line} ×${run.count}` : run.line);
  };
  for (const { connection, message } of sent) {
    const what = message.serverContent?.modelTurn ? 'audio' : JSON.stringify(message).slice(0, 120);
    const line = `#${connection} ${what}`;
    if (line === run.line && what === 'audio') {
      run.count += 1;
      continue;
    }
    flush();
    run = { line, count: 1 };
  }
  flush();
  return lines;
}

/** The function names a recorded `setup` declares. */
export function declaredTools(setup: ReceivedMessage): string[] {
  const tools: { functionDeclarations?: { name: string }[] }[] = setup.message.setup?.tools ?? [];
  return tools.flatMap((tool) => (tool.functionDeclarations ?? []).map((fn) => fn.name));
}

export function kindOf(message: Record<string, unknown>): ReceivedKind {
  for (const kind of ['setup', 'realtimeInput', 'clientContent', 'toolResponse'] as const) {
    if (kind in message) return kind;
  }
  return 'other';
}

/** RMS level (0–1) and duration of a base64 16 kHz PCM16 input chunk. */
export function audioLevel(base64: string): { level: number; ms: number } {
  const bytes = Buffer.from(base64, 'base64');
  const samples = new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
  let sum = 0;
  for (const sample of samples) sum += (sample / 32768) ** 2;
  return {
    level: samples.length ? Math.sqrt(sum / samples.length) : 0,
    ms: (samples.length / INPUT_SAMPLE_RATE) * 1000,
  };
}

/** The wire messages for one scripted event. */
export function toServerMessages(
  event: Exclude<ServerEvent, { type: 'wait' | 'close' | 'silence' | 'recall' | 'lingerOnClose' }>,
  nextCallId: () => string,
): Record<string, unknown>[] {
  switch (event.type) {
    case 'audio':
      return audioMessages(event.pcm, event.chunkMs ?? 40);
    case 'outputTranscription':
    case 'inputTranscription':
      return [{ serverContent: { [event.type]: { text: event.text } } }];
    case 'toolCall': {
      const functionCalls = event.calls.map((call) => ({
        id: call.id ?? nextCallId(),
        name: call.name,
        args: call.args ?? {},
      }));
      return [{ toolCall: { functionCalls } }];
    }
    case 'interrupted':
    case 'generationComplete':
    case 'turnComplete':
      return [{ serverContent: { [event.type]: true } }];
    case 'goAway':
      return [{ goAway: { timeLeft: event.timeLeft ?? '1s' } }];
    case 'sessionResumptionUpdate':
      return [
        {
          sessionResumptionUpdate: event.newHandle
            ? { newHandle: event.newHandle, resumable: event.resumable ?? true }
            : { resumable: false },
        },
      ];
    case 'raw':
      return [event.message];
  }
}

function audioMessages(pcm: Int16Array, chunkMs: number): Record<string, unknown>[] {
  const step = Math.round((OUTPUT_SAMPLE_RATE * chunkMs) / 1000);
  const messages: Record<string, unknown>[] = [];
  for (let start = 0; start < pcm.length; start += step) {
    const chunk = pcm.subarray(start, start + step);
    const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64');
    messages.push({
      serverContent: {
        modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }] },
      },
    });
  }
  return messages;
}
