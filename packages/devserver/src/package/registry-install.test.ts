import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Room as NodeRoom, RoomEvent } from '@livekit/rtc-node';
import { type LaunchedBrowser, launchChromium, publishTone, waitFor } from '@voice-agent/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTestPage, type TestPageServer } from '../testing/page.js';
import { mintToken } from '../testing/tokens.js';

// The dev server as a user gets it: `npm pack` (what `npm publish` uploads), installed with
// its dependencies from the npm registry into an empty folder, started through its bin. Its
// werift is then stock 0.24.4: only the package's own code can fix it.

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const KEYS = ['installkey', 'installsecret'] as [string, string];
/** RMS (0..1) that counts as hearing the tone; silence measures below 0.001. */
const HEARD = 0.03;

interface PageGlobals {
  ready?: boolean;
  levels: Record<string, number>;
  seen: { type: string; from?: string; topic?: string; text?: string }[];
  // biome-ignore lint/suspicious/noExplicitAny: livekit-client's Room, typed in the page only
  room: any;
  join(url: string, token: string, options?: { publish?: boolean }): Promise<void>;
}

/** npm's environment without the workspace settings `npm test` passes down. */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
  );
}

describe('the packed dev server installed from the registry', () => {
  let folder: string;
  let child: ChildProcess | undefined;
  let url: string;
  let pageServer: TestPageServer;
  let browser: LaunchedBrowser;
  const node = new NodeRoom();
  let stopTone: (() => void) | undefined;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'devserver-install-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', folder], {
      cwd: PACKAGE_DIR,
      env: npmEnv(),
    });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    await writeFile(join(folder, 'package.json'), '{ "name": "install-check", "private": true }');
    await run('npm', ['install', join(folder, filename), '--no-audit', '--no-fund'], {
      cwd: folder,
      env: npmEnv(),
    });
    child = spawn(
      join(folder, 'node_modules/.bin/voice-agent-devserver'),
      ['--port', '0', '--keys', KEYS.join(': ')],
      { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    url = await new Promise<string>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /(ws:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      };
      child?.stdout?.on('data', read);
      child?.stderr?.on('data', read);
      child?.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    pageServer = await serveTestPage();
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    stopTone?.();
    await node.disconnect().catch(() => undefined);
    await browser?.close();
    await pageServer?.close();
    child?.kill('SIGTERM');
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('runs on the registry’s unpatched werift 0.24.4', async () => {
    const werift = join(folder, 'node_modules/werift');
    expect(JSON.parse(await readFile(join(werift, 'package.json'), 'utf8')).version).toBe('0.24.4');
    // Stock werift still has the default STUN server and the port-0 inactive sections.
    const source = await readFile(join(werift, 'lib/index.mjs'), 'utf8');
    expect(source).toContain('"stun.l.google.com",');
    expect(source).toContain('media.port = 0;');
  });

  it('connects Chromium and rtc-node: data both ways, and the browser hears rtc-node', async () => {
    const page = await browser.context.newPage();
    await page.goto(pageServer.url);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).ready);
    const token = await mintToken({ identity: 'browser', room: 'install', keys: KEYS });
    await page.evaluate(
      ({ url, token }) =>
        (globalThis as unknown as PageGlobals).join(url, token, { publish: false }),
      { url, token },
    );
    const received = new Promise<string>((resolve) =>
      node.on(RoomEvent.DataReceived, (payload) => resolve(new TextDecoder().decode(payload))),
    );
    await node.connect(url, await mintToken({ identity: 'node', room: 'install', keys: KEYS }));
    stopTone = await publishTone(node, 660);

    await node.localParticipant?.publishData(new TextEncoder().encode('from rtc-node'), {
      reliable: true,
      topic: 'check',
    });
    const inPage = await waitFor(
      async () =>
        (await page.evaluate(() => (globalThis as unknown as PageGlobals).seen)).find(
          (seen) => seen.type === 'data' && seen.from === 'node',
        ),
      { timeoutMs: 20_000, what: 'the browser to receive rtc-node’s data' },
    );
    expect(inPage).toMatchObject({ topic: 'check', text: 'from rtc-node' });

    await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).room.localParticipant.publishData(
        new TextEncoder().encode('from the browser'),
        { reliable: true, topic: 'check' },
      ),
    );
    expect(await received).toBe('from the browser');

    const level = await waitFor(
      async () => {
        const value = await page.evaluate(
          () => (globalThis as unknown as PageGlobals).levels['browser<-node'],
        );
        return value !== undefined && value > HEARD ? value : undefined;
      },
      { timeoutMs: 20_000, what: 'the browser to hear rtc-node' },
    );
    expect(level).toBeGreaterThan(HEARD);
    await page.close();
  });
});
