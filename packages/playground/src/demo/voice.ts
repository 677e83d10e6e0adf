import { OUTPUT_SAMPLE_RATE } from '@voice-agent/agent/testing';

const NOTES = [523.25, 659.25, 783.99, 659.25];
const NOTE_MS = 140;
const MAX_NOTES = 24;

/**
 * The offline demo's "voice": a soft chime melody, one note per word (24 at most), as
 * 24 kHz PCM16 like Gemini's audio. It shows that audio comes back without pretending to
 * be speech.
 */
export function chimeFor(text: string): Int16Array {
  const words = Math.min(MAX_NOTES, Math.max(3, text.split(/\s+/).filter(Boolean).length));
  const noteSamples = Math.round((OUTPUT_SAMPLE_RATE * NOTE_MS) / 1000);
  const pcm = new Int16Array(words * noteSamples);
  for (let note = 0; note < words; note++) {
    const frequency = NOTES[note % NOTES.length] ?? 523.25;
    for (let i = 0; i < noteSamples; i++) {
      // A short fade in and out per note avoids clicks.
      const envelope = Math.min(1, i / 240, (noteSamples - i) / 240);
      const t = i / OUTPUT_SAMPLE_RATE;
      pcm[note * noteSamples + i] = Math.round(
        Math.sin(2 * Math.PI * frequency * t) * 0.35 * envelope * 32767,
      );
    }
  }
  return pcm;
}
