import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { personaFor } from '@voice-agent/agent';
import {
  getFreePort,
  type LaunchedBrowser,
  launchChromium,
  makeToneWav,
  waitFor,
} from '@voice-agent/testing';
import { VOICE_AGENT_EVENTS } from '@voice-agent/widget/events';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAudioTaps } from '../page-audio/audio-taps.js';
import { AGENT_CONFIG, type Playground, startPlayground } from '../playground.js';
import { offlineEnv } from './env.js';
import { agentAudioPeak, eventsIn, recordInPage, stateSequence } from './page-recorder.js';

// The examples as their READMEs run them: `ALLOWED_ORIGINS=<the page's origin> npm start`
// (the playground in offline demo mode, in process here), then the example's own server.
// Chromium opens the page, starts a call and hears the agent's greeting.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Where the examples' pages ask for tokens: `npm start`'s default port. */
const README_TOKEN_URL = 'http://localhost:8080/token';

/** npm's environment without the workspace settings `npm test` passes down. */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
  );
}

const servers: ChildProcess[] = [];
/** Starts a page server in its own process group; resolves once it serves `port`. */
async function serve(command: string, args: string[], cwd: string, port: number): Promise<void> {
  const url = `http://127.0.0.1:${port}/`;
  const child = spawn(command, args, { cwd, env: npmEnv(), detached: true, stdio: 'ignore' });
  servers.push(child);
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}`);
      return (await fetch(url).catch(() => undefined))?.ok ? true : undefined;
    },
    { timeoutMs: 60_000, what: `${command} to serve ${url}` },
  );
}

let scriptTagPort: number;
let spaPort: number;
let playground: Playground;
let browser: LaunchedBrowser;
let greeting: string;
/** What the stack logged, line by line. */
const logs: string[] = [];

beforeAll(async () => {
  [scriptTagPort, spaPort] = [await getFreePort(), await getFreePort()];
  // As an anonymous visitor hears it: the persona's {{visitor.…}} placeholders filled in.
  const configured = (await import(pathToFileURL(AGENT_CONFIG).href)).default;
  greeting = personaFor({ instructions: '', greeting: configured.greeting }, null).greeting ?? '';
  const allowed = [scriptTagPort, spaPort].map((port) => `http://localhost:${port}`).join(',');
  // One after the other: on a loaded machine the worker's start competes with Chromium's.
  playground = await startPlayground({
    env: offlineEnv({ ALLOWED_ORIGINS: allowed }),
    log: (line) => logs.push(line),
  });
  // A silent microphone: the stand-in would answer speech, talking over its greeting.
  browser = await launchChromium({ fakeAudioCapture: await makeToneWav({ amplitude: 0 }) });
  await browser.context.addInitScript(installAudioTaps);
  await browser.context.addInitScript(recordInPage, VOICE_AGENT_EVENTS);
}, 240_000);

afterAll(async () => {
  for (const child of servers) {
    if (child.exitCode === null && child.pid) {
      const exited = once(child, 'exit');
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  }
  await browser?.close();
  await playground?.close();
});

/** Opens `url` with the README's token URL reaching this run's playground (on a free port). */
async function openExample(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.route(README_TOKEN_URL, async (route) => {
    const response = await route.fetch({ url: new URL('/token', playground.url).href });
    await route.fulfill({ response });
  });
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('voice-agent') !== undefined);
  return page;
}

/** What a visitor observes of a started call: `listening`, then the greeting heard. */
async function expectGreeting(page: Page): Promise<void> {
  const logsFrom = logs.length;
  try {
    await waitFor(
      async () => ((await stateSequence(page)).includes('listening') ? true : undefined),
      { timeoutMs: 45_000, what: 'the widget to listen' },
    );
    await page
      .locator('voice-agent')
      .locator('[part~="caption-agent"]', { hasText: greeting })
      .first()
      .waitFor({ timeout: 30_000 });
    await waitFor(async () => ((await agentAudioPeak(page)) > 0.02 ? true : undefined), {
      timeoutMs: 15_000,
      what: "the agent's voice in the page",
    });
  } catch (error) {
    // The widget's states and errors say where the call stopped.
    const states = (await stateSequence(page)).join(' → ');
    const errors = JSON.stringify((await eventsIn(page, 'voice-agent-error')).map((e) => e.detail));
    const logged = logs.slice(logsFrom).join('\n');
    throw new Error(`${(error as Error).message}; states: ${states}; errors: ${errors}\n${logged}`);
  }
  expect(await eventsIn(page, 'voice-agent-error')).toEqual([]);
}

describe('examples/script-tag, served by python3 -m http.server from the repository root', () => {
  it('reaches listening and hears the greeting', async () => {
    const url = `http://localhost:${scriptTagPort}/examples/script-tag/`;
    await serve(
      'python3',
      ['-m', 'http.server', String(scriptTagPort), '--bind', '127.0.0.1'],
      ROOT,
      scriptTagPort,
    );
    const page = await openExample(url);
    await page
      .locator('voice-agent')
      .getByRole('button', { name: 'Talk to our assistant' })
      .click();
    await expectGreeting(page);
    // The page's own event log shows the call too.
    await expect.poll(() => page.locator('#log').textContent()).toContain('"state":"listening"');
    await page.close();
  });
});

describe('examples/spa, run with npm install && npm run dev', () => {
  it('reaches listening and hears the greeting', async () => {
    const spa = `${ROOT}examples/spa`;
    await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: spa, env: npmEnv() });
    const url = `http://localhost:${spaPort}/`;
    const vite = ['run', 'dev', '--', '--host', '127.0.0.1', '--port', String(spaPort)];
    await serve('npm', [...vite, '--strictPort'], spa, spaPort);
    const page = await openExample(url);
    await page.getByRole('button', { name: 'Call support' }).click();
    await expectGreeting(page);
    await expect.poll(() => page.locator('#state').textContent()).not.toBe('idle');
    await page.close();
  }, 240_000);
});
