import { GeminiLiveStandIn } from '@voice-agent/agent/testing';
import { launchChromium } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import { installAudioTaps } from '../page-audio/audio-taps.js';
import { type Playground, startPlayground } from '../playground.js';
import { recordOnsets } from './onsets.js';
import { PAGE_JITTER_BUFFER_MS, pinJitterBuffers } from './page-jitter.js';
import { onInterrupt } from './run/cleanup.js';
import { BENCH_API_KEY, spawnDevServer } from './run/dev-server-process.js';
import { benchReactions, voiceMicrophone } from './voice.js';

/** Where the stack's dev server runs (see `startBrowserStack`). */
export type DevServerPlace = 'own process' | 'this process';

/** The playground on the bench's stand-in, and Chromium on its page. */
export interface BrowserStack {
  playground: Playground;
  /** The stack's dev server: its URL and the keys its tokens are signed with. */
  liveKit: { url: string; keys: Record<string, string> };
  page: Page;
  newPage(): Promise<Page>;
  standInUrl: string;
  answeredAt: number[];
  /** The agent worker's last warnings and errors. */
  agentWarnings: string[];
  close(): Promise<void>;
}

/**
 * The playground, its worker and the bench's stand-in, and Chromium on the playground's page.
 * The dev server runs in its `own process` (the voice section: as an SFU has a host of its
 * own, so that the bench's own work in this process, Playwright's messages and its garbage
 * collection among it, never holds a packet it forwards; each such hold made every receiver's
 * jitter buffer grow), or in `this process` (the playground's own, whose jobs the connect
 * section reads).
 */
export async function startBrowserStack(devServerPlace: DevServerPlace): Promise<BrowserStack> {
  const { reactions, answeredAt } = benchReactions();
  const agentWarnings: string[] = [];
  const standIn = await GeminiLiveStandIn.start({ reactions });
  const closers: (() => Promise<void>)[] = [() => standIn.close()];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };
  const forget = onInterrupt(close);
  try {
    const devServer = devServerPlace === 'own process' ? await spawnDevServer() : undefined;
    if (devServer) closers.push(async () => devServer.stop());
    const playground = await startPlayground({
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GOOGLE_API_KEY: 'bench',
        GOOGLE_GEMINI_BASE_URL: standIn.baseUrl,
        ...(devServer && {
          LIVEKIT_URL: devServer.url,
          LIVEKIT_API_KEY: BENCH_API_KEY,
          LIVEKIT_API_SECRET: devServer.secret,
        }),
      },
      // Kept (the last few) so that a failed section can say what the agent worker warned of.
      log: (line) => {
        if (!/^\[agent\] (warn|error|fatal)/.test(line)) return;
        agentWarnings.push(line.slice(0, 300));
        agentWarnings.splice(0, agentWarnings.length - 5);
      },
    });
    closers.push(() => playground.close());
    const liveKit = devServer
      ? { url: devServer.url, keys: { [BENCH_API_KEY]: devServer.secret } }
      : playground.devServer;
    if (!liveKit) throw new Error('the playground started no dev server');
    const browser = await launchChromium({ fakeAudioCapture: await voiceMicrophone() });
    closers.push(() => browser.close());
    await browser.context.addInitScript(installAudioTaps);
    await browser.context.addInitScript(recordOnsets);
    await browser.context.addInitScript(pinJitterBuffers, PAGE_JITTER_BUFFER_MS);
    const page = await browser.context.newPage();
    await page.goto(playground.url, { timeout: 30_000 });
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, {
      timeout: 30_000,
    });
    return {
      playground,
      liveKit: { url: liveKit.url, keys: liveKit.keys },
      page,
      newPage: () => browser.context.newPage(),
      standInUrl: standIn.baseUrl,
      answeredAt,
      agentWarnings,
      close: async () => {
        await close();
        forget();
      },
    };
  } catch (error) {
    await close();
    forget();
    throw error;
  }
}
