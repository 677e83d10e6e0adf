import type { AudioFrame } from '@livekit/rtc-node';
import { launchChromium } from '@voice-agent/testing';

/** Page script (a string: this package has no DOM types) recording a tone like livekit-client. */
function recorderScript(frequency: number, durationMs: number): string {
  return `(async () => {
    const context = new AudioContext({ sampleRate: 48000 });
    await context.resume();
    const oscillator = new OscillatorNode(context, { frequency: ${frequency} });
    const gain = new GainNode(context, { gain: 0.5 });
    const destination = context.createMediaStreamDestination();
    oscillator.connect(gain).connect(destination);
    oscillator.start();
    const recorder = new MediaRecorder(destination.stream, { mimeType: 'audio/webm;codecs=opus' });
    const blobs = [];
    recorder.ondataavailable = (event) => blobs.push(event.data);
    const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
    recorder.start(100);
    await new Promise((resolve) => setTimeout(resolve, ${durationMs}));
    recorder.stop();
    await stopped;
    oscillator.stop();
    const buffers = await Promise.all(blobs.map((blob) => blob.arrayBuffer()));
    return buffers.map((buffer) => [...new Uint8Array(buffer)]);
  })()`;
}

/**
 * A real WebM/Opus recording of a tone, made the way livekit-client makes its pre-connect
 * buffer: Chromium's MediaRecorder (`audio/webm;codecs=opus`), 100 ms timeslices. Returns
 * the chunks as the recorder emitted them.
 */
export async function recordToneInChromium(frequency: number, durationMs: number) {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const chunks: number[][] = await page.evaluate(recorderScript(frequency, durationMs));
    return chunks.map((chunk) => Uint8Array.from(chunk));
  } finally {
    await browser.close();
  }
}

/** The frames' samples, one channel, in order. */
export function samplesOf(frames: AudioFrame[]): Int16Array {
  const all = new Int16Array(frames.reduce((sum, f) => sum + f.data.length, 0));
  let offset = 0;
  for (const frame of frames) {
    all.set(frame.data, offset);
    offset += frame.data.length;
  }
  return all;
}

/** The frequency of a pure tone, from its rising zero crossings. */
export function toneFrequency(samples: Int16Array, sampleRate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    if ((samples[i - 1] ?? 0) < 0 && (samples[i] ?? 0) >= 0) crossings += 1;
  }
  return crossings / (samples.length / sampleRate);
}

export async function* chunked(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}
