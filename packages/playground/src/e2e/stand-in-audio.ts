import type { GeminiLiveStandIn } from '@voice-agent/agent/testing';

/** RMS level (0–1) of a base64 PCM16 chunk, as the model receives it. */
export function chunkLevel(base64: string): number {
  const bytes = Buffer.from(base64, 'base64');
  const samples = new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
  let sum = 0;
  for (const sample of samples) sum += (sample / 32768) ** 2;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/** Levels of the audio chunks the stand-in received, from message index `from` on. */
export function inputLevels(standIn: GeminiLiveStandIn, from = 0): number[] {
  return standIn.received.slice(from).flatMap((m) => {
    const data = m.kind === 'realtimeInput' ? m.message.realtimeInput?.audio?.data : undefined;
    return typeof data === 'string' ? [chunkLevel(data)] : [];
  });
}

/** Every text the stand-in received in `clientContent` turns, joined. */
export function clientTexts(standIn: GeminiLiveStandIn): string {
  return standIn
    .messages('clientContent')
    .map((m) => JSON.stringify(m.message.clientContent?.turns ?? []))
    .join('\n');
}

/** The function responses the stand-in received for `name`, with their output parsed. */
export function toolResponses(standIn: GeminiLiveStandIn, name: string): unknown[] {
  return standIn.messages('toolResponse').flatMap((m) =>
    (m.message.toolResponse.functionResponses as { name: string; response: { output?: unknown } }[])
      .filter((response) => response.name === name)
      .map(({ response }) => {
        const output = response.output;
        if (typeof output !== 'string') return output;
        try {
          return JSON.parse(output) as unknown;
        } catch {
          return output;
        }
      }),
  );
}
