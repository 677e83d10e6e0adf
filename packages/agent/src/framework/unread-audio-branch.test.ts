import { ReadableStream } from 'node:stream/web';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { initializeLogger, voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAgentConfig } from '../config/config.js';
import { GeminiLiveStandIn } from '../testing/index.js';
import { createRealtimeModel } from '../worker/session.js';

// @livekit/agents 1.9's AudioRecognition tees the visitor's audio into a VAD and an STT
// branch; with Gemini Live (server turn detection, no STT, no VAD) nothing read them and a
// job process kept every input frame of the call. src/framework/unread-audio-branches.ts
// drains them; this test runs the pinned framework's real input path and fails without it.

initializeLogger({ pretty: false, level: 'fatal' });
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const RATE = 16_000;
const FRAME = RATE / 100;
const FRAMES = 2_000;

/** A microphone that delivers FRAMES frames as fast as they are read, then stays open. */
class CountingMicrophone extends voice.AudioInput {
  readonly frames: WeakRef<AudioFrame>[] = [];
  constructor() {
    super();
    const frames = this.frames;
    this.multiStream.addInputStream(
      new ReadableStream<AudioFrame>({
        pull(controller) {
          if (frames.length === FRAMES) return new Promise(() => undefined);
          const frame = new AudioFrame(new Int16Array(FRAME).fill(1_000), RATE, 1, FRAME);
          frames.push(new WeakRef(frame));
          controller.enqueue(frame);
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

describe("a realtime session's input audio", () => {
  it('is not kept after the model has been sent it', async () => {
    standIn = await GeminiLiveStandIn.start();
    const config = resolveAgentConfig({ instructions: 'test' });
    session = new voice.AgentSession({
      llm: createRealtimeModel(config, { googleApiKey: 'k', geminiBaseUrl: standIn.baseUrl }),
    });
    const microphone = new CountingMicrophone();
    session.input.audio = microphone;
    await session.start({ agent: new voice.Agent({ instructions: 'test' }) });
    // A subscriber to the input (as AMD's) gives the recognition audio to tee (without one,
    // idle-recognition-input.ts gives it none), and its VAD and STT branches have no reader.
    const subscribed = session._subscribeAudioStream();
    void (async () => {
      for await (const _ of subscribed ?? []) {
      }
    })();
    await waitFor(() => microphone.frames.length === FRAMES || undefined, {
      what: 'the 2,000 frames read from the microphone',
      timeoutMs: 10_000,
    });
    // The model is still sent all of it: 20 s of audio in the plugin's 100 ms chunks.
    await waitFor(() => (standIn?.messages('realtimeInput').length ?? 0) >= 200 || undefined, {
      what: "the model's 200 chunks of the 2,000 frames",
      timeoutMs: 10_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    collectGarbage();
    const kept = microphone.frames.filter((frame) => frame.deref() !== undefined).length;
    expect(kept).toBeLessThan(FRAMES / 20);
  });
});

type Frames = ReadableStream<AudioFrame>;
interface Recognition {
  start(): Promise<void>;
  setInputAudioStream(stream: Frames): void;
  updateStt(stt: (audio: Frames) => Promise<null>): Promise<void>;
  close(): Promise<void>;
}
const { AudioRecognition } = (await import(
  new URL('./voice/audio_recognition.js', import.meta.resolve('@livekit/agents')).href
)) as { AudioRecognition: new (options: Record<string, unknown>) => Recognition };

describe("the framework's AudioRecognition without STT or VAD", () => {
  it('gives its STT branch to an STT set later, with the frames from then on', async () => {
    const recognition = new AudioRecognition({ recognitionHooks: {} });
    await recognition.start();
    let push: (frame: AudioFrame) => void = () => undefined;
    recognition.setInputAudioStream(
      new ReadableStream<AudioFrame>({
        start(controller) {
          push = (frame) => controller.enqueue(frame);
        },
      }),
    );
    const frame = (_: unknown, i: number) =>
      new AudioFrame(new Int16Array(FRAME).fill(i), RATE, 1, FRAME);
    for (let i = 0; i < 50; i++) push(frame(undefined, 100 + i));
    const heard: AudioFrame[] = [];
    await recognition.updateStt(async (audio) => {
      void (async () => {
        for await (const received of audio) heard.push(received);
      })();
      return null;
    });
    const later = Array.from({ length: 20 }, frame);
    // Each frame is its index, so order and identity of what the STT hears show.
    for (const sent of later) push(sent);
    // Frames sent before may still be on their way to it; wait for the last one sent after.
    await waitFor(() => heard.includes(later[19] as AudioFrame) || undefined, {
      what: 'the STT hearing the 20 frames sent after it was set',
      timeoutMs: 5_000,
    });
    expect(heard.slice(-20).map((f) => f.data[0])).toEqual(later.map((f) => f.data[0]));
    expect(heard.slice(-20).every((f, i) => f === later[i])).toBe(true);
    await recognition.close();
  });
});
