import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { getFreePort, waitFor } from '@voice-agent/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserFixture, DIST, startBrowser, waitForEvents, widgetPage } from './harness.js';

let fixture: BrowserFixture;

beforeAll(async () => {
  fixture = await startBrowser();
});
afterAll(() => fixture?.close());
afterEach(() => expect(fixture.pageErrors).toEqual([]));

async function gzipSize(file: string): Promise<number> {
  return gzipSync(await readFile(file), { level: 9 }).length;
}

function open(body: string) {
  const path = `/loading-${Math.random().toString(36).slice(2)}.html`;
  return fixture.open(fixture.server.page(path, widgetPage(body)));
}

/** Waits long enough for anything eager to have been requested. */
async function settle(page: import('playwright-core').Page): Promise<void> {
  await page.waitForLoadState('networkidle');
}

describe('size budgets of the script-tag build', () => {
  it('keeps the loader within 15 KB and everything it can load within 170 KB, gzipped', async () => {
    const loader = await gzipSize(join(DIST, 'voice-agent.js'));
    const chunks = (await readdir(join(DIST, 'chunks'))).filter((name) => name.endsWith('.js'));
    expect(chunks.some((name) => /^call-[A-Za-z0-9_-]+\.js$/.test(name))).toBe(true);
    let total = loader;
    for (const chunk of chunks) total += await gzipSize(join(DIST, 'chunks', chunk));
    console.info(`loader ${loader} B gzip; loader + all chunks ${total} B gzip`);
    expect(loader).toBeLessThanOrEqual(15 * 1024);
    expect(total).toBeLessThanOrEqual(170 * 1024);
  });
});

describe('lazy loading', () => {
  it('loads no call code until the visitor hovers the launcher', async () => {
    const page = await open('<voice-agent token-url="/token"></voice-agent>');
    await settle(page);
    expect(fixture.server.callChunkRequests()).toEqual([]);
    await page.locator('voice-agent').getByRole('button').hover();
    await waitFor(() => (fixture.server.callChunkRequests().length > 0 ? true : undefined), {
      what: 'the call chunk to be requested on hover',
    });
    fixture.server.requests.length = 0;
  });

  it('loads the call code when the launcher gets keyboard focus', async () => {
    const page = await open('<voice-agent token-url="/token"></voice-agent>');
    await settle(page);
    expect(fixture.server.callChunkRequests()).toEqual([]);
    await page.keyboard.press('Tab');
    await waitFor(() => (fixture.server.callChunkRequests().length > 0 ? true : undefined), {
      what: 'the call chunk to be requested on focus',
    });
    fixture.server.requests.length = 0;
  });

  it('takes tools, mute and listeners before the call code has loaded', async () => {
    const page = await open('<voice-agent token-url="/token"></voice-agent>');
    const before = await page.evaluate(async () => {
      const element = document.querySelector('voice-agent');
      if (!element) throw new Error('no element');
      element.registerTool({
        name: 'get_time',
        description: 'The time',
        handler: () => '12:00',
      });
      await element.mute(true);
      let error = '';
      try {
        element.registerTool({ name: 'bad name', description: 'x', handler: () => 1 });
      } catch (e) {
        error = (e as { code: string }).code;
      }
      return { tools: element.tools.names, muted: element.muted, state: element.state, error };
    });
    expect(before).toEqual({
      tools: ['get_time'],
      muted: true,
      state: 'idle',
      error: 'invalid_tool',
    });
    await settle(page);
    expect(fixture.server.callChunkRequests()).toEqual([]);
  });
});

describe('start() before the call code has loaded', () => {
  it('loads the call code and starts, from script with no hover or focus', async () => {
    const page = await open(
      `<voice-agent token-url="http://127.0.0.1:${await getFreePort()}/token"></voice-agent>`,
    );
    await settle(page);
    expect(fixture.server.callChunkRequests()).toEqual([]);
    const state = await page.evaluate(() => {
      const element = document.querySelector('voice-agent');
      void element?.start();
      return element?.state;
    });
    expect(state).toBe('connecting');
    const [error] = await waitForEvents(page, 'voice-agent-error');
    expect(error).toMatchObject({ code: 'token_unreachable' });
    expect(fixture.server.callChunkRequests()).toHaveLength(1);
    fixture.server.requests.length = 0;
  });
});

describe('a call code that does not load', () => {
  it('fails with load_failed instead of hanging', async () => {
    const page = await open('<voice-agent token-url="/token"></voice-agent>');
    await page.route(/\/chunks\/call-[A-Za-z0-9_-]+\.js/, (route) =>
      route.abort('connectionrefused'),
    );
    const widget = page.locator('voice-agent');
    await widget.getByRole('button', { name: 'Talk to our assistant' }).click();
    const [error] = await waitForEvents(page, 'voice-agent-error');
    expect(error).toMatchObject({ code: 'load_failed' });
    expect(await waitForEvents(page, 'voice-agent-state')).toEqual([{ state: 'error' }]);
    expect(await widget.getByRole('alert').textContent()).toBe(
      'The voice assistant could not load. Check your connection and reload the page.',
    );
    expect(await page.evaluate(() => document.querySelector('voice-agent')?.state)).toBe('error');
  });
});

describe('registration', () => {
  it('warns and keeps the first definition when the script is loaded twice', async () => {
    const path = '/twice.html';
    const url = fixture.server.page(path, {
      html: `<!doctype html><html lang="en"><head><title>twice</title>
<script type="module" src="/dist/voice-agent.js"></script>
<script type="module" src="/dist/voice-agent.js?copy=2"></script></head>
<body><voice-agent token-url="/token"></voice-agent></body></html>`,
    });
    const page = await fixture.browser.context.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    page.on('pageerror', (error) => fixture.pageErrors.push(error));
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    expect(
      warnings.filter((text) => text.includes('<voice-agent> is already defined')),
    ).toHaveLength(1);
    expect(await page.locator('voice-agent').getByRole('button').count()).toBe(1);
  });
});
