import { type LaunchedBrowser, launchChromium } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_DIR, WIDGET_DIST } from '../playground.js';
import { startWebServer, type WebServer } from '../web/web-server.js';

// The playground page on its own (no call): the script-tag widget under the strict CSP, the
// offline-demo banner, and the theming controls changing the element live.

let web: WebServer;
let browser: LaunchedBrowser;
let page: Page;

async function openPage(offlineDemo: boolean): Promise<Page> {
  web = await startWebServer({
    publicDir: PUBLIC_DIR,
    widgetDir: WIDGET_DIST,
    livekitUrl: 'ws://127.0.0.1:9',
    apiKey: 'key',
    apiSecret: 'a-secret-that-is-long-enough-for-hs256-signing',
    settings: { offlineDemo, agentName: 'voice-agent-playground' },
  });
  const opened = await browser.context.newPage();
  await opened.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const scope = window as unknown as { violations?: string[] };
      scope.violations ??= [];
      scope.violations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  await opened.goto(web.url);
  await opened.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  return opened;
}

/** A computed style inside the widget's shadow root. */
function shadowStyle(selector: string, property: string): Promise<string> {
  return page.evaluate(
    ([selector, property]) => {
      const element = document.querySelector('voice-agent')?.shadowRoot?.querySelector(selector);
      return element ? getComputedStyle(element).getPropertyValue(property) : 'missing';
    },
    [selector, property] as const,
  );
}

beforeAll(async () => {
  browser = await launchChromium();
  page = await openPage(true);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
});

describe('the playground page', () => {
  it('loads the script-tag widget under the strict CSP, with no violation', async () => {
    const response = await fetch(web.url);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain('connect-src');
    expect(await page.evaluate(() => customElements.get('voice-agent') !== undefined)).toBe(true);
    expect(await page.locator('voice-agent').getAttribute('agent-name')).toBe(
      'voice-agent-playground',
    );
    const violations = await page.evaluate(
      () => (window as unknown as { violations?: string[] }).violations ?? [],
    );
    expect(violations).toEqual([]);
  });

  it('says "offline demo mode" in a visible banner', async () => {
    await expect(page.locator('#mode').isVisible()).resolves.toBe(true);
    await expect(page.locator('#mode').textContent()).resolves.toMatch(/Offline demo mode/);
  });

  it('changes the theming attributes live from the controls', async () => {
    await page.selectOption('select[name="theme"]', 'dark');
    await page.locator('input[name="accent-color"]').fill('#0f766e');
    await page.selectOption('select[name="position"]', 'top-left');
    const widget = page.locator('voice-agent');
    expect(await widget.getAttribute('theme')).toBe('dark');
    expect(await widget.getAttribute('accent-color')).toBe('#0f766e');
    expect(await widget.getAttribute('position')).toBe('top-left');
    // What a visitor sees: the launcher in the accent colour, in the top-left corner.
    await expect
      .poll(() => shadowStyle('[part~="launcher"]', 'background-color'))
      .toBe('rgb(15, 118, 110)');
    const box = await widget.locator('[part~="launcher"]').boundingBox();
    expect(box?.x).toBeLessThan(100);
    expect(box?.y).toBeLessThan(100);
    await expect(page.locator('#markup').textContent()).resolves.toContain('position="top-left"');

    await page.locator('input[name="text-input"]').uncheck();
    expect(await widget.getAttribute('text-input')).toBeNull();
    await page.locator('input[name="label"]').fill('Ask Ada');
    await widget.getByRole('button', { name: 'Ask Ada' }).waitFor();
  });

  it('hides the banner when the agent talks to Gemini', async () => {
    await web.close();
    const withGemini = await openPage(false);
    await expect(withGemini.locator('#mode').isVisible()).resolves.toBe(false);
    await withGemini.close();
  });
});
