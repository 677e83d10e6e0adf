import { ReadableStream } from 'node:stream/web';
import { initializeLogger, voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { pcm16Rms, toneSamples, waitFor } from '@voice-agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { GeminiLiveStandIn } from '../testing/index.js';
import { createTestSession } from '../worker/test-session.test-helper.js';
import { PreConnectAudioInput, prependFrames, prependToSessionInput } from './input.js';

initializeLogger({ pretty: false, level: 'fatal' });

const RATE = 24_000;
const FRAME = 240;

/** 10 ms frames of `samples`. */
function framesOf(samples: Int16Array): AudioFrame[] {
  const frames: AudioFrame[] = [];
  for (let i = 0; i + FRAME <= samples.length; i += FRAME) {
    frames.push(new AudioFrame(samples.slice(i, i + FRAME), RATE, 1, FRAME));
  }
  return frames;
}

const silence = (ms: number) => framesOf(new Int16Array((RATE * ms) / 1000));
const tone = (ms: number) => framesOf(toneSamples({ durationMs: ms, sampleRate: RATE }));

/** An audio input fed from a fixed list of frames: the "live" microphone of these tests. */
class FramesInput extends voice.AudioInput {
  attachedStates: boolean[] = [];
  constructor(frames: AudioFrame[]) {
    super();
    this.multiStream.addInputStream(ReadableStream.from(frames));
  }
  override setAttached(attached: boolean): void {
    this.attachedStates.push(attached);
  }
}

async function collect(stream: ReadableStream<AudioFrame>): Promise<AudioFrame[]> {
  const frames: AudioFrame[] = [];
  for await (const frame of stream) frames.push(frame);
  return frames;
}

describe('pre-connect audio in front of the live input', () => {
  it('yields every buffered frame before the first live frame, then the live frames in order', async () => {
    const buffered = tone(100);
    const live = silence(50);
    let release: (frames: AudioFrame[]) => void = () => undefined;
    const late = new Promise<AudioFrame[]>((resolve) => {
      release = resolve;
    });
    const merged = collect(prependFrames(late, ReadableStream.from(live)));
    setTimeout(() => release(buffered), 50);
    expect(await merged).toEqual([...buffered, ...live]);
  });

  it('goes straight to the live frames when there is no buffer, or it failed', async () => {
    const live = silence(30);
    expect(await collect(prependFrames(Promise.resolve([]), ReadableStream.from(live)))).toEqual(
      live,
    );
    const failed = Promise.reject(new Error('decoder crashed'));
    expect(await collect(prependFrames(failed, ReadableStream.from(live)))).toEqual(live);
  });

  it('the wrapped input gives a new reader (an agent handoff) the frames the last one left', async () => {
    const buffered = tone(200);
    const live = silence(200);
    const input = new PreConnectAudioInput(new FramesInput(live), Promise.resolve(buffered));
    const first = input.stream.getReader();
    const read: AudioFrame[] = [];
    for (let i = 0; i < 30; i++) {
      const { value } = await first.read();
      if (value) read.push(value);
    }
    first.releaseLock();
    const second = input.stream.getReader();
    // The live input stays open, as RoomIO's does: read as many frames as were sent.
    while (read.length < buffered.length + live.length) {
      const { value } = await second.read();
      if (value) read.push(value);
    }
    expect(read).toEqual([...buffered, ...live]);
  });

  describe('in a real AgentSession (Google plugin → Gemini Live stand-in)', () => {
    let standIn: GeminiLiveStandIn | undefined;
    let session: voice.AgentSession | undefined;
    afterEach(async () => {
      await session?.close();
      await standIn?.close();
    });

    it('the model receives the buffered speech first, then the live audio', async () => {
      standIn = await GeminiLiveStandIn.start();
      const built = createTestSession(standIn);
      session = built.session;
      prependToSessionInput(session, Promise.resolve(tone(1_000)));
      // What RoomIO does inside start(): its participant input becomes the session's input.
      const live = new FramesInput(silence(1_000));
      session.input.audio = live;
      expect(session.input.audio).not.toBe(live);
      await session.start({ agent: built.agent });
      expect(live.attachedStates.at(-1)).toBe(true);
      const levels = () =>
        (standIn?.messages('realtimeInput') ?? []).flatMap((m) => {
          const data = m.message.realtimeInput?.audio?.data;
          if (typeof data !== 'string') return [];
          const bytes = Buffer.from(data, 'base64');
          return [pcm16Rms(new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2))];
        });
      await waitFor(() => (levels().length >= 36 ? true : undefined), {
        what: '1.8 s of audio at the model',
      });
      const heard = levels();
      const loud = heard.filter((level) => level > 0.1).length;
      // 50 ms chunks: about 20 of tone, then silence; no silence before the tone.
      expect(heard[0]).toBeGreaterThan(0.1);
      expect(loud).toBeGreaterThanOrEqual(18);
      expect(heard.slice(0, loud).every((level) => level > 0.1)).toBe(true);
      expect(heard.slice(loud + 1).every((level) => level < 0.01)).toBe(true);
    });
  });
});
