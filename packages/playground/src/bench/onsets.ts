import type { Page } from 'playwright-core';
import type { AudioTaps } from '../page-audio/audio-taps.js';

/** An onset as a tap saw it: a time on its track's clock, and that clock's conversion. */
type TrackOnset = { timestamp: number; pageTime: (timestamp: number) => number };
type OnsetScope = { onsets(key: string): number[]; audioTaps: AudioTaps };

/**
 * An init script, after `installAudioTaps`: records the moment (ms, `performance.timeOrigin +
 * now()`, comparable across pages) each audio source starts sounding after at least 250 ms
 * of quiet. Sources: `mic` (every getUserMedia track) and `remote` (every track received
 * over WebRTC). Each frame the track delivers is read in blocks of 1 ms; the onset is the
 * first loud block's time, from the frame's own timestamp, converted to the page's clock
 * when read (`TappedFrame.pageTime`).
 */
export function recordOnsets(): void {
  const scope = window as unknown as OnsetScope;
  const found: Record<string, TrackOnset[]> = { mic: [], remote: [] };
  scope.onsets = (key) => (found[key] ?? []).map(({ timestamp, pageTime }) => pageTime(timestamp));
  const THRESHOLD = 0.05;
  const QUIET_MS = 250;
  const BLOCK_MS = 1;
  // Per source, not per track: livekit-client may open the microphone more than once.
  const lastLoud: Record<string, number> = { mic: 0, remote: 0 };
  for (const source of ['mic', 'remote'] as const) {
    scope.audioTaps.frames(source, ({ samples, sampleRate, timestamp, pageTime }) => {
      const block = Math.max(1, Math.round((sampleRate * BLOCK_MS) / 1000));
      for (let start = 0; start + block <= samples.length; start += block) {
        let sum = 0;
        for (let i = start; i < start + block; i++) sum += (samples[i] ?? 0) ** 2;
        if (Math.sqrt(sum / block) < THRESHOLD) continue;
        const loud = timestamp + (start * 1000) / sampleRate;
        // The quiet before it, on the page's clock as it stands: tracks differ in clocks.
        if (pageTime(loud) - (lastLoud[source] ?? 0) > QUIET_MS) {
          found[source]?.push({ timestamp: loud, pageTime });
        }
        lastLoud[source] = pageTime(loud);
      }
    });
  }
}

/** The onsets a page recorded for `key`. */
export function onsetsIn(page: Page, key: 'mic' | 'remote'): Promise<number[]> {
  return page.evaluate((k) => (window as unknown as OnsetScope).onsets(k), key);
}

/**
 * Per microphone onset, the delay to the first answer onset after it (and before the next
 * microphone onset). Turns without an answer are left out.
 */
export function delays(mic: number[], answers: number[]): number[] {
  const result: number[] = [];
  mic.forEach((start, i) => {
    const end = mic[i + 1] ?? Number.POSITIVE_INFINITY;
    const answer = answers.find((t) => t > start && t < end);
    if (answer !== undefined) result.push(answer - start);
  });
  return result;
}
