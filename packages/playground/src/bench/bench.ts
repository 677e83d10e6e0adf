import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { GeminiLiveStandIn } from '@voice-agent/agent/testing';
import { launchChromium, makeToneWav } from '@voice-agent/testing';
import type {} from '@voice-agent/widget';
import { installAudioTaps } from '../page-audio/audio-taps.js';
import { startPlayground } from '../playground.js';
import { measureCapacity } from './capacity.js';
import { connectTimes, connectTimesInDevMode } from './connect.js';
import { floorDelays } from './floor-page.js';
import { recordOnsets } from './onsets.js';
import { type BenchResults, report } from './report.js';
import { widgetSizes } from './sizes.js';
import { tokenRatio } from './token-ratio.js';
import { benchReactions, TURN_PERIOD_MS, voiceTurns } from './voice.js';

// `npm run bench -w @voice-agent/playground`: connect time (prewarmed `start` worker, and the
// framework's `dev` mode as before), voice-to-voice latency of the whole stack beside the
// floor, capacity with rtc-node participants, the widget's sizes and the token service's
// ratio. Writes the repository's docs/performance.md. `node dist/bench/bench.js connect voice`
// runs some sections only and prints them without writing the file.

const OUTPUT = fileURLToPath(new URL('../../../../docs/performance.md', import.meta.url));
const SESSIONS = 10;
const TURNS = 25;
const CAPACITY_LEVELS = [1, 2, 4, 8];
const SECTIONS = ['connect', 'voice', 'capacity', 'sizes', 'token'] as const;

async function browserSections(results: BenchResults, wanted: Set<string>): Promise<void> {
  const { reactions, answeredAt } = benchReactions();
  const standIn = await GeminiLiveStandIn.start({ reactions });
  const playground = await startPlayground({
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GOOGLE_API_KEY: 'bench',
      GOOGLE_GEMINI_BASE_URL: standIn.baseUrl,
    },
    log: () => {},
  });
  const microphone = await makeToneWav({
    frequency: 440,
    durationMs: 400,
    silenceMs: TURN_PERIOD_MS - 400,
  });
  const browser = await launchChromium({ fakeAudioCapture: microphone });
  try {
    await browser.context.addInitScript(installAudioTaps);
    await browser.context.addInitScript(recordOnsets);
    const page = await browser.context.newPage();
    await page.goto(playground.url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    if (wanted.has('voice')) {
      results.voice = await voiceTurns(page, playground, answeredAt, TURNS);
      const devServer = playground.devServer;
      if (!devServer) throw new Error('the floor needs the dev server');
      const pages = () => browser.context.newPage();
      results.floor = await floorDelays(devServer, pages, TURNS * TURN_PERIOD_MS);
    }
    if (wanted.has('connect')) results.connect = await connectTimes(page, playground, SESSIONS);
    // Last: it replaces the playground's worker.
    if (wanted.has('connect')) {
      results.connectDevMode = await connectTimesInDevMode(
        page,
        playground,
        SESSIONS,
        standIn.baseUrl,
      );
    }
  } finally {
    await browser.close();
    await playground.close();
    await standIn.close();
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  const requested = process.argv.slice(2);
  const wanted = new Set<string>(requested.length > 0 ? requested : SECTIONS);
  const results: BenchResults = {};
  if (wanted.has('connect') || wanted.has('voice')) await browserSections(results, wanted);
  if (wanted.has('capacity')) results.capacity = await measureCapacity(CAPACITY_LEVELS);
  if (wanted.has('sizes')) results.sizes = await widgetSizes();
  if (wanted.has('token')) results.token = await tokenRatio();
  const text = report(results, loadAtStart);
  if (requested.length === 0) await writeFile(OUTPUT, text);
  process.stdout.write(text);
}

// Exit explicitly: rtc-node's native client keeps the event loop alive after its rooms left.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
