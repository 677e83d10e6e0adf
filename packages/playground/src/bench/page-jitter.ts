import type { Page } from 'playwright-core';
import type { AudioTaps } from '../page-audio/audio-taps.js';
import type { JitterReading } from './hops.js';

/** What every audio receiver of the bench's pages holds at least (`pinJitterBuffers`). */
export const PAGE_JITTER_BUFFER_MS = 100;

type PinnedScope = { pinnedReceivers?: RTCRtpReceiver[]; audioTaps: AudioTaps };
/** The part of webrtc-stats' `inbound-rtp` read here (TypeScript's DOM library lacks it). */
type InboundRtp = {
  type: string;
  jitterBufferDelay?: number;
  jitterBufferTargetDelay?: number;
  jitterBufferMinimumDelay?: number;
  jitterBufferEmittedCount?: number;
};

/**
 * An init script, after `installAudioTaps` (`addInitScript(pinJitterBuffers, ms)`): every
 * audio receiver of the page holds at least `ms` in its jitter buffer. Chromium's NetEq
 * otherwise picks its own target per call (20-80 ms here) and keeps it: the stack's page
 * receiver and the floor's then differ by a draw, which "voice − floor" would count. Pinned
 * above what NetEq picks, both hold the same, and the difference keeps only what lies between
 * them. `pageJitterBuffers` reads what they held, so that a receiver that wanted more than
 * the pin shows.
 */
export function pinJitterBuffers(ms: number): void {
  const scope = window as unknown as PinnedScope;
  const receivers: RTCRtpReceiver[] = [];
  scope.pinnedReceivers = receivers;
  scope.audioTaps.receivers((receiver) => {
    receiver.jitterBufferTarget = ms;
    receivers.push(receiver);
  });
}

/** The page's audio receivers' jitter buffers so far (webrtc-stats, cumulative, summed). */
export function pageJitterBuffers(page: Page): Promise<JitterReading> {
  return page.evaluate(async () => {
    const sum = { delay: 0, target: 0, minimum: 0, emitted: 0 };
    // A session's receivers end with it; their figures are not the present session's.
    const receivers = (window as unknown as PinnedScope).pinnedReceivers ?? [];
    for (let i = receivers.length - 1; i >= 0; i--) {
      if (receivers[i]?.track.readyState !== 'live') receivers.splice(i, 1);
    }
    for (const receiver of receivers) {
      (await receiver.getStats()).forEach((stat: InboundRtp) => {
        if (stat.type !== 'inbound-rtp') return;
        sum.delay += stat.jitterBufferDelay ?? 0;
        sum.target += stat.jitterBufferTargetDelay ?? 0;
        sum.minimum += stat.jitterBufferMinimumDelay ?? 0;
        sum.emitted += stat.jitterBufferEmittedCount ?? 0;
      });
    }
    return sum;
  });
}
