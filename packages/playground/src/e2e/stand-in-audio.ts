import type { GeminiLiveStandIn } from '@voice-agent/agent/testing';
import { base64Pcm16Rms } from '@voice-agent/testing';

/** Levels of the audio chunks the stand-in received, from message index `from` on. */
export function inputLevels(standIn: GeminiLiveStandIn, from = 0): number[] {
  return standIn.received.slice(from).flatMap((m) => {
    const data = m.kind === 'realtimeInput' ? m.message.realtimeInput?.audio?.data : undefined;
    return typeof data === 'string' ? [base64Pcm16Rms(data)] : [];
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
