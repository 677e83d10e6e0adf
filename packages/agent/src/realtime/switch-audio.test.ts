import { ReadableStream } from 'node:stream/web';
import { initializeLogger, voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAgentConfig } from '../config/config.js';
import { GeminiLiveStandIn } from '../testing/index.js';
import { createRealtimeModel } from '../worker/session.js';

// What the visitor says while the agent moves to a new Gemini connection (goAway) reaches
// the new connection: the real framework, plugin and SDK, a live microphone whose every
// 10 ms frame carries its own number, and the stand-in recording what each connection got.

initializeLogger({ pretty: false, level: 'fatal' });

const RATE = 16_000;
const FRAME = RATE / 100;
const FIRST = 1_000;

/** A live microphone: frame n holds the sample value FIRST + n, in real time. */
class NumberedMicrophone extends voice.AudioInput {
  constructor() {
    super();
    let n = 0;
    this.multiStream.addInputStream(
      new ReadableStream<AudioFrame>({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          const data = new Int16Array(FRAME).fill(FIRST + n);
          n += 1;
          controller.enqueue(new AudioFrame(data, RATE, 1, FRAME));
        },
      }),
    );
  }
}

/** The frame numbers connection `id` received, in order. */
function framesOn(standIn: GeminiLiveStandIn, id: number): number[] {
  const numbers: number[] = [];
  for (const { connection, message } of standIn.messages('realtimeInput')) {
    const data = message.realtimeInput?.audio?.data;
    if (connection !== id || typeof data !== 'string') continue;
    const bytes = Buffer.from(data, 'base64');
    const samples = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    for (let i = 0; i < samples.length; i += FRAME) numbers.push((samples[i] ?? 0) - FIRST);
  }
  return numbers;
}

let standIn: GeminiLiveStandIn | undefined;
let session: voice.AgentSession | undefined;
afterEach(async () => {
  await session?.close();
  await standIn?.close();
});

describe('the visitor speaking through a goAway switch', () => {
  it('every frame said while the new connection is set up reaches it, none is lost', async () => {
    // Setting up takes 400 ms: 40 frames are said while no connection can take them.
    standIn = await GeminiLiveStandIn.start({ setupDelayMs: 400 });
    const config = resolveAgentConfig({ instructions: 'test' });
    session = new voice.AgentSession({
      llm: createRealtimeModel(config, { googleApiKey: 'k', geminiBaseUrl: standIn.baseUrl }),
    });
    session.input.audio = new NumberedMicrophone();
    await session.start({ agent: new voice.Agent({ instructions: 'test' }) });
    const live = standIn;
    await waitFor(() => (framesOn(live, 1).length > 50 ? true : undefined), {
      what: 'the microphone on connection 1',
    });
    await live.play([{ type: 'goAway', timeLeft: '5s' }]);
    await live.waitForConnection(2);
    await waitFor(() => (framesOn(live, 2).length > 100 ? true : undefined), {
      what: 'the microphone on connection 2',
    });
    const before = framesOn(live, 1);
    const after = framesOn(live, 2);
    const last = before.at(-1) ?? 0;
    // The new connection takes over where the old one stopped: no frame in between is lost,
    // and it gets the frames in order.
    expect(after[0]).toBeLessThanOrEqual(last + 1);
    const fromSwitch = after.filter((n) => n > last);
    expect(fromSwitch[0]).toBe(last + 1);
    expect(fromSwitch).toEqual(fromSwitch.map((_, i) => last + 1 + i));
    // Among them, the frames said while connection 2 was being set up.
    expect(fromSwitch.length).toBeGreaterThan(40);
  });
});
