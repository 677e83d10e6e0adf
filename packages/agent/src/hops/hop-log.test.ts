import { toneSamples } from '@voice-agent/testing';
import { describe, expect, it } from 'vitest';
import { OnsetDetector } from './hop-log.js';

describe('OnsetDetector', () => {
  const tone = toneSamples({ durationMs: 10, sampleRate: 16_000 });
  const silence = new Int16Array(160);

  it('finds the frame a sound starts in, once per sound after 250 ms of quiet', () => {
    const detector = new OnsetDetector();
    const frames = [silence, tone, tone, silence, tone];
    const at = [0, 10, 20, 30, 40];
    expect(frames.map((frame, i) => detector.isOnset(frame, at[i] ?? 0))).toEqual([
      false,
      true,
      false,
      false,
      false,
    ]);
    expect(detector.isOnset(tone, 400)).toBe(true);
  });
});
