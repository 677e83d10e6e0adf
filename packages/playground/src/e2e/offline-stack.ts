import type { GeminiLiveStandIn } from '@voice-agent/agent/testing';
import type { DevServer } from '@voice-agent/devserver';
import { type LaunchedBrowser, type LaunchOptions, launchChromium } from '@voice-agent/testing';
import { VOICE_AGENT_EVENTS } from '@voice-agent/widget/events';
import type { Page } from 'playwright-core';
import { installAudioTaps } from '../page-audio/audio-taps.js';
import { type Playground, type PlaygroundOptions, startPlayground } from '../playground.js';
import { offlineEnv } from './env.js';
import { recordInPage } from './page-recorder.js';

/** The playground in offline demo mode, with Chromium on its page. */
export interface OfflineStack {
  playground: Playground;
  browser: LaunchedBrowser;
  /** The playground page, loaded and ready, with the recorder of `page-recorder.ts`. */
  page: Page;
  /** What the stack logged, line by line. */
  logs: string[];
  standIn(): GeminiLiveStandIn;
  devServer(): DevServer;
  close(): Promise<void>;
}

/**
 * Starts the playground as a newcomer runs it (no Google or LiveKit variables) and opens its
 * page in Chromium, whose fake microphone plays `microphone` (a WAV file; it loops).
 */
export async function startOfflineStack(
  microphone: string,
  options: {
    chromium?: Omit<LaunchOptions, 'fakeAudioCapture'>;
    devServer?: PlaygroundOptions['devServer'];
  } = {},
): Promise<OfflineStack> {
  const logs: string[] = [];
  const [playground, browser] = await Promise.all([
    startPlayground({
      env: offlineEnv(),
      log: (line) => logs.push(line),
      devServer: options.devServer,
    }),
    launchChromium({ ...options.chromium, fakeAudioCapture: microphone }),
  ]);
  await browser.context.addInitScript(installAudioTaps);
  await browser.context.addInitScript(recordInPage, VOICE_AGENT_EVENTS);
  const page = await browser.context.newPage();
  await page.goto(playground.url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  return {
    playground,
    browser,
    page,
    logs,
    standIn() {
      if (!playground.standIn) throw new Error('the playground is not in offline demo mode');
      return playground.standIn;
    },
    devServer() {
      if (!playground.devServer) throw new Error('the playground has no dev server');
      return playground.devServer;
    },
    async close() {
      await browser.close();
      await playground.close();
    },
  };
}
