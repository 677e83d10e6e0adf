import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LaunchedBrowser, launchChromium, waitFor } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAudioTaps } from '../page-audio/audio-taps.js';
import { onsetsIn, recordOnsets } from './onsets.js';
import { pinJitterBuffers } from './page-jitter.js';
import { median } from './stats.js';
import { TURN_PERIOD_MS as PERIOD_MS, voiceMicrophone } from './voice.js';

const PINNED_MS = 200;

/**
 * In the page: the microphone sent to a second peer connection of the same page, over
 * loopback, so that the page has a `remote` track carrying the same tones.
 */
async function loopback(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const [a, b] = [new RTCPeerConnection(), new RTCPeerConnection()];
    a.onicecandidate = (event) => event.candidate && b.addIceCandidate(event.candidate);
    b.onicecandidate = (event) => event.candidate && a.addIceCandidate(event.candidate);
    // Played (muted), as the widget plays the agent: the receiver hands out frames as they play.
    b.ontrack = ({ track }) => {
      const audio = new Audio();
      audio.srcObject = new MediaStream([track]);
      audio.muted = true;
      void audio.play();
    };
    for (const track of stream.getAudioTracks()) a.addTrack(track, stream);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription as RTCSessionDescriptionInit);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription as RTCSessionDescriptionInit);
    Object.assign(window, { keep: [a, b] });
  });
}

/** Per microphone onset, the first remote onset after it. */
function loopbackDelays(mic: number[], remote: number[]): number[] {
  return mic.flatMap((start) => {
    const heard = remote.find((t) => t > start && t < start + PERIOD_MS);
    return heard === undefined ? [] : [heard - start];
  });
}

describe('recordOnsets (in Chromium)', () => {
  let browser: LaunchedBrowser;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    browser = await launchChromium({ fakeAudioCapture: await voiceMicrophone() });
    server = createServer((_, response) => response.end('<!doctype html><title>onsets</title>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function pageWith(pinnedMs?: number): Promise<Page> {
    const page = await browser.context.newPage();
    await page.addInitScript(installAudioTaps);
    await page.addInitScript(recordOnsets);
    if (pinnedMs !== undefined) await page.addInitScript(pinJitterBuffers, pinnedMs);
    await page.goto(url);
    await loopback(page);
    return page;
  }

  /** The page's microphone onsets, and each one's delay over the loopback, once `n` are heard. */
  async function heard(page: Page, n: number): Promise<{ mic: number[]; delays: number[] }> {
    return waitFor(
      async () => {
        const mic = await onsetsIn(page, 'mic');
        const delays = loopbackDelays(mic, await onsetsIn(page, 'remote'));
        return delays.length >= n ? { mic, delays } : undefined;
      },
      { timeoutMs: 40_000, what: `${n} tones heard over the loopback` },
    );
  }

  it('times the tones from the microphone and over the loopback; a pinned receiver holds them longer', async () => {
    const [plain, pinned] = await Promise.all([pageWith(), pageWith(PINNED_MS)]);
    const [free, held] = await Promise.all([heard(plain, 6), heard(pinned, 6)]);
    // The microphone's tones, a period apart to the millisecond: each meets the 20 ms frames
    // of Opus and of the agent's input 2 ms later than the one before (the first gaps of a
    // capture can be a few ms off, hence the median).
    const gaps = free.mic.slice(1).map((t, i) => t - (free.mic[i] ?? 0));
    expect(Math.abs(median(gaps) - PERIOD_MS)).toBeLessThan(1);
    for (const delay of free.delays) expect(delay).toBeGreaterThan(0);
    // Loopback alone takes tens of ms; pinned, each tone waits for the pinned buffer.
    expect(median(held.delays)).toBeGreaterThan(median(free.delays) + PINNED_MS / 2);
    const targets = await pinned.evaluate(() => {
      const [, receiving] = (window as unknown as { keep: RTCPeerConnection[] }).keep;
      return receiving?.getReceivers().map((receiver) => receiver.jitterBufferTarget);
    });
    expect(targets).toEqual([PINNED_MS]);
  });
});
