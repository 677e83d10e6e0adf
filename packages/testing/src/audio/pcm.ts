import { toneSamples } from '../wav.js';

/** RMS level (0–1) of PCM16 samples; 0 for none. */
export function pcm16Rms(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += (sample / 32768) ** 2;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/** RMS level (0–1) of a base64 PCM16 chunk, as Gemini Live's audio messages carry it. */
export function base64Pcm16Rms(base64: string): number {
  const bytes = Buffer.from(base64, 'base64');
  return pcm16Rms(new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2)));
}

/**
 * Base64 16 kHz PCM16 of a 300 Hz tone (`amplitude` 0: silence) lasting `ms`, as the Google
 * plugin sends microphone audio to Gemini Live.
 */
export function input16k(amplitude: number, ms: number): string {
  const pcm = toneSamples({ frequency: 300, durationMs: ms, sampleRate: 16_000, amplitude });
  return Buffer.from(pcm.buffer).toString('base64');
}
