import {
  ReadableStream,
  type ReadableStreamDefaultController,
  TransformStream,
} from 'node:stream/web';
import { initializeLogger, voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prependToSessionInput } from '../preconnect/input.js';
import { GeminiLiveStandIn } from '../testing/index.js';
import { createTestSession } from '../worker/test-session.test-helper.js';

// @livekit/agents 1.9 tees the visitor's audio into AudioRecognition even when, as with
// Gemini Live, it has no STT, VAD or turn detector to give it to: most of the input path's
// per-frame stream work. src/framework/idle-recognition-input.ts attaches such a recognition
// without input; these tests run the pinned framework's real input path and fail without it.

initializeLogger({ pretty: false, level: 'fatal' });

const RATE = 16_000;
const FRAME = RATE / 100;

/** A microphone the test speaks into, one 10 ms frame at a time. */
class Microphone extends voice.AudioInput {
  private controller: ReadableStreamDefaultController<AudioFrame> | undefined;
  private next = 0;
  readonly sent: AudioFrame[] = [];
  constructor() {
    super();
    this.multiStream.addInputStream(
      new ReadableStream<AudioFrame>({
        start: (controller) => {
          this.controller = controller;
        },
      }),
    );
  }
  /** `count` frames, each sample a running count so that order and loss show. */
  record(count: number): AudioFrame[] {
    return Array.from({ length: count }, () => {
      const samples = new Int16Array(FRAME).map(() => this.next++ % 30_000);
      return new AudioFrame(samples, RATE, 1, FRAME);
    });
  }
  /** Sends `count` frames. */
  speak(count: number): AudioFrame[] {
    const frames = this.record(count);
    for (const frame of frames) this.controller?.enqueue(frame);
    this.sent.push(...frames);
    return frames;
  }
}

/** Every byte of audio the model received, in order. */
function heardByModel(standIn: GeminiLiveStandIn): Buffer {
  return Buffer.concat(
    standIn.messages('realtimeInput').flatMap((m) => {
      const data = m.message.realtimeInput?.audio?.data;
      return typeof data === 'string' ? [Buffer.from(data, 'base64')] : [];
    }),
  );
}

const bytesOf = (frames: AudioFrame[]) =>
  Buffer.concat(
    frames.map((f) => Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength)),
  );

/** Frames that reached any AudioRecognition's input, counted on their way in. */
let framesToRecognition = 0;
beforeAll(async () => {
  const { AudioRecognition } = (await import(
    new URL('./voice/audio_recognition.js', import.meta.resolve('@livekit/agents')).href
  )) as { AudioRecognition: { prototype: { setInputAudioStream(s: ReadableStream): void } } };
  const set = AudioRecognition.prototype.setInputAudioStream;
  AudioRecognition.prototype.setInputAudioStream = function (stream: ReadableStream) {
    const counted = new TransformStream({
      transform(frame, controller) {
        framesToRecognition++;
        controller.enqueue(frame);
      },
    });
    set.call(this, stream.pipeThrough(counted) as ReadableStream);
  };
});

let standIn: GeminiLiveStandIn | undefined;
let session: voice.AgentSession | undefined;
afterEach(async () => {
  await session?.close();
  await standIn?.close();
});

/** A session whose microphone recorded `preConnect` frames before it started (the widget's buffer). */
async function startSession(preConnect = 0): Promise<{
  microphone: Microphone;
  standIn: GeminiLiveStandIn;
}> {
  standIn = await GeminiLiveStandIn.start();
  const built = createTestSession(standIn);
  session = built.session;
  const microphone = new Microphone();
  const buffered = microphone.record(preConnect);
  microphone.sent.push(...buffered);
  prependToSessionInput(session, Promise.resolve(buffered));
  session.input.audio = microphone;
  await session.start({ agent: built.agent });
  // Until the model is connected its outbox keeps only the latest 4 s of audio: one chunk first.
  microphone.speak(2);
  await untilModelHeard(standIn, microphone.sent);
  return { microphone, standIn };
}

async function untilModelHeard(model: GeminiLiveStandIn, frames: AudioFrame[]): Promise<void> {
  const expected = bytesOf(frames);
  await waitFor(() => heardByModel(model).length >= expected.length || undefined, {
    what: `the model receiving ${frames.length} frames`,
    timeoutMs: 10_000,
  });
  expect(heardByModel(model).equals(expected)).toBe(true);
}

describe("a Gemini Live session's input audio", () => {
  it('all goes to the model, pre-connect buffer first, and none through the idle speech recognition', async () => {
    const { microphone, standIn } = await startSession(50);
    microphone.speak(1_000);
    await untilModelHeard(standIn, microphone.sent);
    expect(framesToRecognition).toBe(0);
    expect(microphone.sent.length).toBe(1_052);
  });

  it('reaches a subscriber to the input added later (AMD), and still all goes to the model', async () => {
    framesToRecognition = 0;
    const { microphone, standIn } = await startSession();
    microphone.speak(100);
    await untilModelHeard(standIn, microphone.sent);
    const subscribed = session?._subscribeAudioStream();
    if (!subscribed) throw new Error('the session has no activity to subscribe to');
    const heard: AudioFrame[] = [];
    void (async () => {
      for await (const frame of subscribed) heard.push(frame as AudioFrame);
    })();
    const later = microphone.speak(100);
    await untilModelHeard(standIn, microphone.sent);
    await waitFor(() => heard.length >= later.length || undefined, {
      what: 'the subscriber hearing the 100 frames sent after it subscribed',
    });
    expect(heard.every((frame, i) => frame === later[i])).toBe(true);
    expect(framesToRecognition).toBe(later.length);
  });
});
