import { AudioByteStream, initializeLogger } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAgentConfig } from '../config/config.js';
import { GeminiLiveStandIn } from '../testing/index.js';
import { createRealtimeModel } from '../worker/session.js';
import { INPUT_CHUNK_MS, InputChunker } from './input-chunks.js';

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

describe('the input chunker', () => {
  it("sends the bytes the framework's AudioByteStream would, chunk for chunk", () => {
    const ours = new InputChunker(RATE, 1, 320);
    const framework = new AudioByteStream(RATE, 1, 320);
    let next = 0;
    const samples = (count: number) => new Int16Array(count).map(() => next++);
    // Whole buffers and views into larger ones, of sizes that complete 0, 1 or several chunks.
    const writes: (ArrayBuffer | ArrayBufferView)[] = [
      samples(160).buffer,
      samples(160).buffer,
      samples(100).buffer,
      samples(1_000).subarray(100, 900),
      new Uint8Array(samples(5).buffer, 1, 7),
      samples(0).buffer,
      samples(639).buffer,
    ];
    // What the plugin sends of a chunk: its whole buffer, base64-encoded.
    const sent = (chunks: { data: Int16Array }[]) => chunks.map((c) => Buffer.from(c.data.buffer));
    const ourChunks: Buffer[] = [];
    for (const data of writes) {
      const chunks = sent(ours.write(data));
      expect(chunks).toEqual(sent(framework.write(data)));
      ourChunks.push(...chunks);
    }
    // 3,725 bytes in: five 640-byte chunks out, the rest kept; the first written first.
    expect(ourChunks.map((chunk) => chunk.length)).toEqual(Array(5).fill(640));
    const out = Buffer.concat(ourChunks);
    expect(Array.from(new Int16Array(out.buffer, out.byteOffset, 16))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
  });
});
