import { getFreePort } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  type BrowserFixture,
  startBrowser,
  waitForEvents,
  widgetPage,
} from './harness.js';

let fixture: BrowserFixture;
let unreachable: string;

beforeAll(async () => {
  fixture = await startBrowser();
  unreachable = `http://127.0.0.1:${await getFreePort()}/token`;
});
afterAll(() => fixture?.close());
afterEach(() => expect(fixture.pageErrors).toEqual([]));

function open(attributes: string) {
  const path = `/a11y-${Math.random().toString(36).slice(2)}.html`;
  const body = `<main><h1>Shop</h1><voice-agent token-url="${unreachable}" ${attributes}></voice-agent></main>`;
  return fixture.open(fixture.server.page(path, widgetPage(body)));
}

function focusedPart(page: Page): Promise<string | null | undefined> {
  return page.evaluate(() =>
    document.querySelector('voice-agent')?.shadowRoot?.activeElement?.getAttribute('part'),
  );
}

describe('axe-core', () => {
  for (const theme of ['light', 'dark']) {
    it(`finds no violation with the panel closed, open, and in error (${theme})`, async () => {
      const page = await open(`theme="${theme}" text-input`);
      expect(await axeViolations(page)).toEqual([]);
      await page.evaluate(() => document.querySelector('voice-agent')?.setAttribute('open', ''));
      expect(await axeViolations(page)).toEqual([]);
      await page.locator('voice-agent').getByRole('button', { name: 'Start call' }).click();
      await waitForEvents(page, 'voice-agent-error');
      expect(await axeViolations(page)).toEqual([]);
    });
  }

  it('finds no violation inline', async () => {
    const page = await open('position="inline"');
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe('keyboard and focus', () => {
  it('opens with Enter, lands on the call buttons, closes with Escape back on the launcher', async () => {
    const page = await open('');
    await page.keyboard.press('Tab');
    expect(await focusedPart(page)).toBe('launcher');
    await page.keyboard.press('Enter');
    const widget = page.locator('voice-agent');
    await widget.getByRole('dialog', { name: 'Voice assistant' }).waitFor();
    expect(
      await widget
        .getByRole('button', { name: 'Talk to our assistant' })
        .getAttribute('aria-expanded'),
    ).toBe('true');
    // The call started from the key press and failed (nothing listens): focus is on Try again.
    await waitForEvents(page, 'voice-agent-error');
    await expect.poll(() => focusedPart(page)).toBe('retry-button');
    await page.keyboard.press('Escape');
    await widget.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await focusedPart(page)).toBe('launcher');
  });

  it('announces status and captions in live regions, errors as an alert', async () => {
    const page = await open('open');
    const widget = page.locator('voice-agent');
    expect(await widget.getByRole('status').getAttribute('aria-live')).toBe('polite');
    expect(await widget.getByRole('log', { name: 'Conversation' }).getAttribute('aria-live')).toBe(
      'polite',
    );
    expect(await widget.getByRole('alert').count()).toBe(1);
  });
});
