import { getFreePort } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserFixture, startBrowser, waitForEvents, widgetPage } from './harness.js';
import { type RunningTokenService, startSilentServer, startTokenService } from './token-service.js';

// Every failure must end in a visible, announced error with a retry button, never a hang.
let fixture: BrowserFixture;
let silentLiveKit: Awaited<ReturnType<typeof startSilentServer>>;
const services: RunningTokenService[] = [];

beforeAll(async () => {
  [fixture, silentLiveKit] = await Promise.all([startBrowser(), startSilentServer()]);
});
afterAll(async () => {
  await Promise.all(services.map((service) => service.stop()));
  await silentLiveKit?.stop();
  await fixture?.close();
});
afterEach(() => expect(fixture.pageErrors).toEqual([]));

async function service(options: Parameters<typeof startTokenService>[0]) {
  const running = await startTokenService(options);
  services.push(running);
  return running;
}

async function openWidget(target: BrowserFixture, tokenUrl: string, attributes = '') {
  const path = `/failure-${Math.random().toString(36).slice(2)}.html`;
  const element = `<voice-agent token-url="${tokenUrl}" ${attributes}></voice-agent>`;
  return target.open(target.server.page(path, widgetPage(element)));
}

/** Clicks the launcher (a real user gesture) and returns the error the widget reports. */
async function clickAndExpectError(page: Page, code: string, text: string) {
  const widget = page.locator('voice-agent');
  await widget.getByRole('button', { name: 'Talk to our assistant' }).click();
  const [error] = await waitForEvents(page, 'voice-agent-error');
  expect(error).toMatchObject({ code });
  expect(await widget.getByRole('alert').textContent()).toBe(text);
  expect(await widget.getByRole('status').textContent()).toBe('Something went wrong');
  expect(await widget.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
  const states = await waitForEvents(page, 'voice-agent-state', 2);
  expect(states).toEqual([{ state: 'connecting' }, { state: 'error' }]);
  expect(await page.evaluate(() => document.querySelector('voice-agent')?.state)).toBe('error');
  return error as { code: string; message: string; retryAfterSeconds?: number };
}

describe('failure states against the real token service', () => {
  it('says the service is unreachable when nothing listens at token-url', async () => {
    const port = await getFreePort();
    const page = await openWidget(fixture, `http://127.0.0.1:${port}/token`);
    await clickAndExpectError(
      page,
      'token_unreachable',
      'The voice service cannot be reached. Check your connection.',
    );
  });

  it('says the site is not allowed when its origin is not on the allow-list (403)', async () => {
    const refusing = await service({
      livekitUrl: silentLiveKit.url,
      allowedOrigins: ['https://shop.example'],
    });
    const page = await openWidget(fixture, `${refusing.url}/token`);
    const error = await clickAndExpectError(
      page,
      'token_forbidden',
      'This site is not allowed to use the voice service.',
    );
    expect(error.message).toContain('403 (origin_not_allowed');
  });

  it('says the site is not allowed when the service refuses (403 agent_not_allowed)', async () => {
    const refusing = await service({
      livekitUrl: silentLiveKit.url,
      allowedOrigins: [fixture.server.origin],
      agentNames: ['support'],
    });
    const page = await openWidget(fixture, `${refusing.url}/token`, 'agent-name="sales"');
    const error = await clickAndExpectError(
      page,
      'token_forbidden',
      'This site is not allowed to use the voice service.',
    );
    expect(error.message).toContain('403 (agent_not_allowed');
  });

  it("says the same when the host's authorize hook refuses the visitor (401)", async () => {
    const refusing = await service({
      livekitUrl: silentLiveKit.url,
      allowedOrigins: [fixture.server.origin],
      authorize: () => false,
    });
    const page = await openWidget(fixture, `${refusing.url}/token`);
    const error = await clickAndExpectError(
      page,
      'token_forbidden',
      'This site is not allowed to use the voice service.',
    );
    expect(error.message).toContain('401 (unauthorized');
  });

  it('says to wait, with Retry-After, when the service rate-limits (429), and retries', async () => {
    const limited = await service({
      livekitUrl: silentLiveKit.url,
      allowedOrigins: [fixture.server.origin],
      rateLimit: { perMinute: 1 },
    });
    // The one allowed request of this minute, from the same address as the browser.
    const first = await fetch(`${limited.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: fixture.server.origin },
      body: '{}',
    });
    expect(first.status).toBe(200);
    const page = await openWidget(fixture, `${limited.url}/token`);
    const error = await clickAndExpectError(
      page,
      'token_rate_limited',
      'Too many calls right now. Please try again shortly.',
    );
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    await page.locator('voice-agent').getByRole('button', { name: 'Try again' }).click();
    const errors = await waitForEvents(page, 'voice-agent-error', 2);
    expect(errors[1]).toMatchObject({ code: 'token_rate_limited' });
  });

  it('fails with invalid_config when token-url is missing', async () => {
    const page = await openWidget(fixture, '');
    await clickAndExpectError(page, 'invalid_config', 'This assistant is not set up correctly.');
  });
});

describe('microphone denied', () => {
  let denied: BrowserFixture;
  beforeAll(async () => {
    denied = await startBrowser({ microphone: 'denied' });
  });
  afterAll(() => denied?.close());

  it('says the microphone was refused, while the connection is still pending', async () => {
    const ok = await service({
      livekitUrl: silentLiveKit.url,
      allowedOrigins: [denied.server.origin],
    });
    const page = await openWidget(denied, `${ok.url}/token`);
    await clickAndExpectError(
      page,
      'microphone_denied',
      'Microphone access was denied. Allow it in your browser to talk.',
    );
    expect(denied.pageErrors).toEqual([]);
  });
});
