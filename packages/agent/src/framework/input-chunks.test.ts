import { initializeLogger } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAgentConfig } from '../config/config.js';
import { GeminiLiveStandIn } from '../testing/index.js';
import { createRealtimeModel } from '../worker/session.js';
import { INPUT_CHUNK_MS } from './input-chunks.js';

// The plugin's own 50 ms chunks hold back the start of every utterance up to 50 ms; our
// sessions send 20 ms. The real plugin session (through our model) and the stand-in: the
// first 20 ms the visitor says reach the model without waiting for 30 ms more.

initializeLogger({ pretty: false, level: 'fatal' });

const RATE = 16_000;
const FRAME = RATE / 100;

let standIn: GeminiLiveStandIn | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  await standIn?.close();
});

describe("the visitor's audio going to Gemini", () => {
  it('goes in 20 ms chunks: two 10 ms frames are sent at once', async () => {
    standIn = await GeminiLiveStandIn.start();
    const model = createRealtimeModel(resolveAgentConfig({ instructions: 'test' }), {
      googleApiKey: 'k',
      geminiBaseUrl: standIn.baseUrl,
    });
    const session = model.session();
    close = () => session.close();
    for (const value of [1_001, 1_002]) {
      session.pushAudio(new AudioFrame(new Int16Array(FRAME).fill(value), RATE, 1, FRAME));
    }
    await waitFor(() => (standIn?.messages('realtimeInput').length ?? 0) > 0 || undefined, {
      what: 'the first chunk of audio at the model',
      timeoutMs: 5_000,
    });
    const data = standIn.messages('realtimeInput')[0]?.message.realtimeInput?.audio?.data ?? '';
    const bytes = Buffer.from(data, 'base64');
    const samples = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    expect(samples.length).toBe((RATE * INPUT_CHUNK_MS) / 1000);
    expect([samples[0], samples[FRAME]]).toEqual([1_001, 1_002]);
  });
});
