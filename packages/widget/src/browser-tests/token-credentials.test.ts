import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserFixture, startBrowser, waitForEvents, widgetPage } from './harness.js';
import { type RunningTokenService, startSilentServer, startTokenService } from './token-service.js';

// The token service on another origin (another port of 127.0.0.1) than the page: the site's
// login cookie reaches it only with token-credentials="include"; the page's headers always.
let fixture: BrowserFixture;
let silentLiveKit: Awaited<ReturnType<typeof startSilentServer>>;
let service: RunningTokenService;
/** What the real token service's authorize hook saw, one entry per token request. */
const seen: { cookie: string | null; csrf: string | null; authorization: string | null }[] = [];

beforeAll(async () => {
  [fixture, silentLiveKit] = await Promise.all([startBrowser(), startSilentServer()]);
  service = await startTokenService({
    livekitUrl: silentLiveKit.url,
    allowedOrigins: [fixture.server.origin],
    authorize: ({ request }) => {
      const header = (name: string) => request.headers.get(name);
      seen.push({
        cookie: header('cookie'),
        csrf: header('x-csrf-token'),
        authorization: header('authorization'),
      });
      return false; // answered 401: the test only looks at what arrived
    },
  });
});
afterAll(async () => {
  await service?.stop();
  await silentLiveKit?.stop();
  await fixture?.close();
});
afterEach(() => expect(fixture.pageErrors).toEqual([]));

/** A page on the fixture's origin with the site's login cookie and the widget. */
async function openWidget(attributes: string): Promise<Page> {
  const path = `/credentials-${seen.length}-${Math.random().toString(36).slice(2)}.html`;
  const element = `<voice-agent token-url="${service.url}/token" ${attributes}></voice-agent>`;
  // Host-only for 127.0.0.1: cookies ignore the port, so only `credentials` decides.
  const url = fixture.server.page(path, widgetPage(element));
  await fixture.browser.context.addCookies([{ name: 'site_session', value: 'visitor-42', url }]);
  return fixture.open(url);
}

/** Clicks the launcher and returns what the token service saw of that request. */
async function tokenRequestSeen(page: Page) {
  const before = seen.length;
  await page.locator('voice-agent').getByRole('button', { name: 'Talk to our assistant' }).click();
  // The 401 is readable (CORS with credentials for an allowed origin): no network error.
  const [error] = await waitForEvents(page, 'voice-agent-error');
  expect(error).toMatchObject({ code: 'token_forbidden' });
  expect(seen.length).toBe(before + 1);
  return seen[before];
}

describe('credentials and headers of the token request', () => {
  it('sends no cookie to another origin by default (same-origin), but the headers object', async () => {
    const page = await openWidget('');
    await page.evaluate(() => {
      const widget = document.querySelector('voice-agent');
      if (widget) widget.tokenHeaders = { 'X-CSRF-Token': 'csrf-abc' };
    });
    expect(await tokenRequestSeen(page)).toEqual({
      cookie: null,
      csrf: 'csrf-abc',
      authorization: null,
    });
  });

  it('sends no cookie with token-credentials="omit"', async () => {
    const page = await openWidget('token-credentials="omit"');
    expect(await tokenRequestSeen(page)).toMatchObject({ cookie: null });
  });

  it('sends the cookie with token-credentials="include", and headers from an async function', async () => {
    const page = await openWidget('token-credentials="include"');
    await page.evaluate(() => {
      const widget = document.querySelector('voice-agent');
      if (!widget) return;
      let calls = 0;
      widget.tokenHeaders = async () => {
        calls += 1;
        return { Authorization: `Bearer site-login-${calls}` };
      };
    });
    expect(await tokenRequestSeen(page)).toEqual({
      cookie: 'site_session=visitor-42',
      csrf: null,
      authorization: 'Bearer site-login-1',
    });
    // The function runs again for the next request (a fresh bearer each time).
    await page.locator('voice-agent').getByRole('button', { name: 'Try again' }).click();
    await waitForEvents(page, 'voice-agent-error', 2);
    expect(seen.at(-1)).toMatchObject({ authorization: 'Bearer site-login-2' });
  });

  it('fails with invalid_config for a token-credentials value fetch does not know', async () => {
    const before = seen.length;
    const page = await openWidget('token-credentials="always"');
    await page
      .locator('voice-agent')
      .getByRole('button', { name: 'Talk to our assistant' })
      .click();
    const [error] = await waitForEvents(page, 'voice-agent-error');
    expect(error).toMatchObject({ code: 'invalid_config' });
    expect(seen.length).toBe(before);
  });

  it('cancels the token request when the call is ended while it is pending', async () => {
    // A token service that takes the request and never answers; it sees the request go away.
    const closed: string[] = [];
    const hanging = createServer((request, response) => {
      response.setHeader('Access-Control-Allow-Origin', fixture.server.origin);
      response.setHeader('Access-Control-Allow-Headers', 'content-type');
      if (request.method === 'OPTIONS') return void response.end();
      request.socket.once('close', () => closed.push(request.method ?? ''));
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/token`;
    try {
      const path = `/hanging-${Math.random().toString(36).slice(2)}.html`;
      const element = `<voice-agent token-url="${url}"></voice-agent>`;
      const page = await fixture.open(fixture.server.page(path, widgetPage(element)));
      const widget = page.locator('voice-agent');
      await widget.getByRole('button', { name: 'Talk to our assistant' }).click();
      await waitForEvents(page, 'voice-agent-state');
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
      expect(closed).toEqual([]);
      await page.evaluate(() => document.querySelector('voice-agent')?.end());
      // Well before the request's own 10 s timeout.
      await expect.poll(() => closed, { timeout: 5_000 }).toEqual(['POST']);
      expect(await waitForEvents(page, 'voice-agent-ended')).toEqual([{ reason: 'user' }]);
      expect(await waitForEvents(page, 'voice-agent-error', 0)).toEqual([]);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
