import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { GeminiLiveStandIn, tonePcm } from '@voice-agent/agent/testing';
import { launchChromium, makeToneWav, waitFor } from '@voice-agent/testing';
import type {} from '@voice-agent/widget';
import { AccessToken } from 'livekit-server-sdk';
import type { Page } from 'playwright-core';
import { type Playground, startPlayground } from '../playground.js';
import { serveFloorPage } from './floor-page.js';
import { delays, onsetsIn, recordOnsets } from './onsets.js';
import { ms, percentile } from './stats.js';

// `npm run bench -w @voice-agent/playground`: connect time and voice-to-voice latency of the
// whole stack (widget in Chromium, dev server, real worker, Gemini Live stand-in answering at
// once), beside the floor: the same tone browser to browser through the dev server alone.
// Writes the repository's docs/performance.md.

const OUTPUT = fileURLToPath(new URL('../../../../docs/performance.md', import.meta.url));
const SESSIONS = 10;
const TURN_PERIOD_MS = 2_000;
const TURNS = 25;

async function connectTimes(page: Page, playground: Playground): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const elapsed = await page.evaluate(() => {
      const widget = document.querySelector('voice-agent');
      if (!widget) throw new Error('no widget');
      return new Promise<number>((resolve) => {
        const started = performance.now();
        const onState = (event: Event) => {
          const { state } = (event as CustomEvent<{ state: string }>).detail;
          if (state === 'listening' || state === 'thinking' || state === 'speaking') {
            widget.removeEventListener('voice-agent-state', onState);
            resolve(performance.now() - started);
          }
        };
        widget.addEventListener('voice-agent-state', onState);
        void widget.start();
      });
    });
    times.push(elapsed);
    if (i < SESSIONS - 1) {
      await page.evaluate(() => document.querySelector('voice-agent')?.end());
      await waitFor(() => (playground.devServer?.jobs().length === 0 ? true : undefined), {
        timeoutMs: 20_000,
        what: 'the job to end',
      });
    }
  }
  return times;
}

/** Tone onsets in the page's microphone → onsets of the stand-in's answer heard in the page. */
async function voiceDelays(page: Page): Promise<number[]> {
  // Let the greeting pass, then listen to TURNS tones.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const from = await page.evaluate(() => performance.timeOrigin + performance.now());
  await new Promise((resolve) => setTimeout(resolve, TURNS * TURN_PERIOD_MS));
  const mic = (await onsetsIn(page, 'mic')).filter((t) => t > from);
  return delays(mic, await onsetsIn(page, 'remote'));
}

/** The same tone from one page to another through the dev server only. */
async function floorDelays(playground: Playground, openPage: () => Promise<Page>) {
  const devServer = playground.devServer;
  if (!devServer) throw new Error('the floor needs the dev server');
  const [apiKey, apiSecret] = Object.entries(devServer.keys)[0] ?? [];
  const token = (identity: string) => {
    const at = new AccessToken(apiKey, apiSecret, { identity });
    at.addGrant({ room: 'floor', roomJoin: true, canPublish: true, canSubscribe: true });
    return at.toJwt();
  };
  const floor = await serveFloorPage();
  try {
    const [speaker, listener] = [await openPage(), await openPage()];
    for (const page of [speaker, listener]) {
      await page.goto(floor.url);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready);
    }
    const join = (page: Page, identity: string, publish: boolean) =>
      token(identity).then((jwt) =>
        page.evaluate(
          ([url, jwt, publish]) =>
            (window as unknown as { join: (...a: unknown[]) => Promise<void> }).join(
              url,
              jwt,
              publish,
            ),
          [devServer.url, jwt, publish] as const,
        ),
      );
    await join(listener, 'listener', false);
    await join(speaker, 'speaker', true);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, TURNS * TURN_PERIOD_MS));
    const mic = (await onsetsIn(speaker, 'mic')).filter((t) => t > from);
    return delays(mic, await onsetsIn(listener, 'remote'));
  } finally {
    await floor.close();
  }
}

function report(results: { connect: number[]; voice: number[]; floor: number[] }): string {
  const { connect, voice, floor } = results;
  const overhead = percentile(voice, 50) - percentile(floor, 50);
  const cpu = cpus();
  return `# Performance

Written by \`npm run bench -w @voice-agent/playground\` (packages/playground/src/bench) on
${new Date().toISOString()}: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Linux
${release()}, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')} at the end of the run (the machine may be shared).

The stack: the widget's script-tag build in headless Chromium (fake microphone), the
development LiveKit server, the real agent worker (\`@livekit/agents\`, Google plugin) and
the Gemini Live stand-in answering the moment it hears the tone. Onsets are measured in the
page with an AnalyserNode on the microphone track and on every received track.

| figure | n | p50 | p95 | target |
| ------ | - | --- | --- | ------ |
| connect: \`start()\` to the agent's first state | ${connect.length} | ${ms(percentile(connect, 50))} | ${ms(percentile(connect, 95))} | p50 under 1 s: ${percentile(connect, 50) < 1000 ? 'met' : 'missed'} |
| voice to voice: tone in the microphone → answer heard | ${voice.length} | ${ms(percentile(voice, 50))} | ${ms(percentile(voice, 95))} | |
| floor: the same tone browser → dev server → browser | ${floor.length} | ${ms(percentile(floor, 50))} | ${ms(percentile(floor, 95))} | |
| overhead of our stack (voice p50 − floor p50) | | ${ms(overhead)} | | at most 150 ms: ${overhead <= 150 ? 'met' : 'missed'} |

Not measured by this script: capacity (sessions per worker and dev server), bundle sizes
(the widget's tests check its budgets) and the token service ratio (its own benchmark,
\`npm run bench -w @voice-agent/server\`).
`;
}

async function main(): Promise<void> {
  const standIn = await GeminiLiveStandIn.start({
    reactions: [
      {
        on: 'clientTurn',
        reply: [
          { type: 'audio', pcm: tonePcm({ frequency: 660, durationMs: 150 }) },
          { type: 'generationComplete' },
          { type: 'turnComplete' },
        ],
      },
      {
        on: 'speech',
        minLevel: 0.05,
        minMs: 20,
        reply: [
          { type: 'audio', pcm: tonePcm({ frequency: 880, durationMs: 300 }) },
          { type: 'generationComplete' },
          { type: 'turnComplete' },
        ],
      },
    ],
  });
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
    await browser.context.addInitScript(recordOnsets);
    const page = await browser.context.newPage();
    await page.goto(playground.url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const connect = await connectTimes(page, playground);
    const voice = await voiceDelays(page);
    await page.evaluate(() => document.querySelector('voice-agent')?.end());
    const floor = await floorDelays(playground, () => browser.context.newPage());
    const text = report({ connect, voice, floor });
    await writeFile(OUTPUT, text);
    process.stdout.write(text);
  } finally {
    await browser.close();
    await playground.close();
    await standIn.close();
  }
}

await main();
