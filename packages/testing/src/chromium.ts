import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium; tests never download a browser of their own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags that keep Chromium quiet on a machine with no internet (no background
 * networking, no QUIC, no component updates) and give it a fake microphone.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

export interface LaunchOptions {
  /** `denied` makes getUserMedia fail the way a visitor's refusal does. Default `granted`. */
  microphone?: 'granted' | 'denied';
  /** A 48 kHz mono 16-bit WAV that the fake microphone plays in a loop. */
  fakeAudioCapture?: string;
  args?: string[];
  /** Another Chromium launcher (e.g. a wrapper that runs it as another user); default Debian's. */
  executablePath?: string;
}

export interface LaunchedBrowser {
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts headless Debian Chromium with a fresh profile and a fake microphone. */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'voice-agent-chromium-'));
  const denied = options.microphone === 'denied';
  const args = [
    ...CHROMIUM_FLAGS,
    denied ? '--deny-permission-prompts' : '--use-fake-ui-for-media-stream',
    ...(options.args ?? []),
  ];
  if (options.fakeAudioCapture) {
    args.push(`--use-file-for-fake-audio-capture=${options.fakeAudioCapture}`);
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: options.executablePath ?? CHROMIUM_PATH,
    headless: true,
    args,
    permissions: denied ? [] : ['microphone'],
  });
  const browser = context.browser() as Browser;
  return {
    browser,
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
