import { ReadableStream } from 'node:stream/web';
import { initializeLogger, llm, voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { toneSamples, waitFor } from '@voice-agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveAgentConfig } from '../config/config.js';
import { GeminiLiveStandIn, spokenTurn } from '../testing/index.js';
import { createRealtimeModel } from '../worker/session.js';

// @livekit/agents 1.9 dropped the function calls of a realtime turn that was interrupted:
// Gemini then waits for their answers forever, and the Google plugin drops the microphone
// while any call is unanswered, so the visitor goes unheard for the rest of the call
// (livekit/agents-js#2249). src/framework/interrupted-tool-calls.ts answers them; this test
// runs against the unpatched framework and fails without that file.

initializeLogger({ pretty: false, level: 'fatal' });

const RATE = 16_000;
const FRAME = RATE / 100;

/** A live microphone: a tone, in real time, for as long as it is read. */
class ToneMicrophone extends voice.AudioInput {
  constructor() {
    super();
    const tone = toneSamples({ durationMs: 1_000, sampleRate: RATE });
    let offset = 0;
    this.multiStream.addInputStream(
      new ReadableStream<AudioFrame>({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          const data = new Int16Array(FRAME);
          for (let i = 0; i < FRAME; i++) data[i] = tone[(offset + i) % tone.length] ?? 0;
          offset += FRAME;
          controller.enqueue(new AudioFrame(data, RATE, 1, FRAME));
        },
      }),
    );
  }
}

let standIn: GeminiLiveStandIn | undefined;
let session: voice.AgentSession | undefined;
afterEach(async () => {
  await session?.close();
  await standIn?.close();
});

describe('a realtime turn interrupted by the host while its tool runs (as typed text does)', () => {
  it("answers the model's call, and the visitor is heard again", async () => {
    standIn = await GeminiLiveStandIn.start({
      reactions: [
        {
          on: 'speech',
          minMs: 300,
          times: 1,
          reply: [
            ...spokenTurn('Let me look.'),
            { type: 'toolCall', calls: [{ id: 'call-A', name: 'lookup', args: {} }] },
          ],
        },
      ],
    });
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const lookup = llm.tool({
      description: 'Looks something up',
      parameters: z.object({}),
      execute: () => {
        started();
        return new Promise<string>((resolve) => setTimeout(() => resolve('found'), 5_000));
      },
    });
    const config = resolveAgentConfig({ instructions: 'test' });
    session = new voice.AgentSession({
      llm: createRealtimeModel(config, { googleApiKey: 'k', geminiBaseUrl: standIn.baseUrl }),
    });
    session.input.audio = new ToneMicrophone();
    await session.start({ agent: new voice.Agent({ instructions: 'test', tools: { lookup } }) });
    await running;
    await session.interrupt();

    const answer = await waitFor(
      () =>
        standIn
          ?.messages('toolResponse')
          .flatMap((m) => m.message.toolResponse.functionResponses as { id: string }[])
          .find((r) => r.id === 'call-A'),
      { what: 'an answer to call-A', timeoutMs: 4_000 },
    );
    expect(answer).toMatchObject({ id: 'call-A', name: 'lookup' });
    // 2 s of the live tone after the answer: 100 chunks of 20 ms reach the model.
    const before = standIn.messages('realtimeInput').length;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(standIn.messages('realtimeInput').length - before).toBeGreaterThan(20);
  });
});
