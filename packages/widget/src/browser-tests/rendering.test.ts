import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserFixture, shadowStyle, startBrowser, widgetPage } from './harness.js';

let fixture: BrowserFixture;

beforeAll(async () => {
  fixture = await startBrowser();
});
afterAll(() => fixture?.close());
afterEach(() => expect(fixture.pageErrors).toEqual([]));

function open(body: string, head = '') {
  const path = `/rendering-${Math.random().toString(36).slice(2)}.html`;
  return fixture.open(fixture.server.page(path, widgetPage(body, head)));
}

describe('rendering and attributes', () => {
  it('draws a labelled launcher in the bottom-right corner, with the panel closed', async () => {
    const page = await open('<voice-agent token-url="/token"></voice-agent>');
    const launcher = page.locator('voice-agent').getByRole('button', {
      name: 'Talk to our assistant',
    });
    await expect(launcher.isVisible()).resolves.toBe(true);
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await shadowStyle(page, '[part~="base"]', 'position')).toBe('fixed');
    const box = await launcher.boundingBox();
    const viewport = page.viewportSize();
    expect(viewport && box && viewport.width - (box.x + box.width)).toBe(20);
    expect(viewport && box && viewport.height - (box.y + box.height)).toBe(20);
    expect(await page.locator('voice-agent').getByRole('dialog').count()).toBe(0);
    expect(await page.evaluate(() => document.querySelector('voice-agent')?.state)).toBe('idle');
  });

  it('reflects properties to attributes and reads attributes back', async () => {
    const page = await open('<voice-agent token-url="/token" position="top-left"></voice-agent>');
    const attributes = await page.evaluate(async () => {
      const element = document.querySelector('voice-agent');
      if (!element) throw new Error('no element');
      element.agentName = 'support';
      element.theme = 'dark';
      element.transcript = false;
      element.textInput = true;
      await element.updateComplete;
      return {
        agentName: element.getAttribute('agent-name'),
        theme: element.getAttribute('theme'),
        transcript: element.getAttribute('transcript'),
        textInput: element.hasAttribute('text-input'),
        position: element.position,
        tokenUrl: element.tokenUrl,
        timeout: element.agentTimeout,
      };
    });
    expect(attributes).toEqual({
      agentName: 'support',
      theme: 'dark',
      transcript: 'false',
      textInput: true,
      position: 'top-left',
      tokenUrl: '/token',
      timeout: 20000,
    });
    const box = await page.locator('voice-agent').getByRole('button').first().boundingBox();
    expect(box && [box.x, box.y]).toEqual([20, 20]);
  });

  it('sits in the page flow with the panel shown when inline', async () => {
    const page = await open(
      '<main style="width:400px"><voice-agent position="inline" token-url="/token"></voice-agent></main>',
    );
    expect(await shadowStyle(page, '[part~="base"]', 'position')).toBe('static');
    const dialog = page.locator('voice-agent').getByRole('dialog', { name: 'Voice assistant' });
    expect(await dialog.isVisible()).toBe(true);
    expect(
      await page.locator('voice-agent').getByRole('button', { name: 'Start call' }).count(),
    ).toBe(1);
  });
});

describe('theming', () => {
  it('uses light colours by default and dark ones with theme="dark"', async () => {
    const page = await open('<voice-agent token-url="/token" open></voice-agent>');
    expect(await shadowStyle(page, '[part~="panel"]', 'background-color')).toBe(
      'rgb(255, 255, 255)',
    );
    await page.evaluate(() => document.querySelector('voice-agent')?.setAttribute('theme', 'dark'));
    expect(await shadowStyle(page, '[part~="panel"]', 'background-color')).toBe('rgb(22, 24, 29)');
  });

  it('follows prefers-color-scheme with theme="auto", unless the theme is forced', async () => {
    const page = await open('<voice-agent token-url="/token" open></voice-agent>');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await shadowStyle(page, '[part~="panel"]', 'background-color')).toBe('rgb(22, 24, 29)');
    await page.evaluate(() =>
      document.querySelector('voice-agent')?.setAttribute('theme', 'light'),
    );
    expect(await shadowStyle(page, '[part~="panel"]', 'background-color')).toBe(
      'rgb(255, 255, 255)',
    );
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('takes CSS custom properties and accent-color from the page', async () => {
    const page = await open(
      '<voice-agent token-url="/token"></voice-agent>',
      '<style>voice-agent { --voice-agent-accent: rgb(0, 128, 0); --voice-agent-size: 72px; }</style>',
    );
    expect(await shadowStyle(page, '[part~="launcher"]', 'background-color')).toBe(
      'rgb(0, 128, 0)',
    );
    expect(await shadowStyle(page, '[part~="launcher"]', 'width')).toBe('72px');
    await page.evaluate(() =>
      document.querySelector('voice-agent')?.setAttribute('accent-color', '#ff0000'),
    );
    expect(await shadowStyle(page, '[part~="launcher"]', 'background-color')).toBe(
      'rgb(255, 0, 0)',
    );
  });

  it('exposes ::part() for styling, and neither leaks styles in nor out', async () => {
    const page = await open(
      '<voice-agent token-url="/token" open></voice-agent><button id="host-button">page</button>',
      `<style>
        voice-agent::part(launcher) { border-radius: 4px; }
        voice-agent::part(status) { color: rgb(1, 2, 3); }
        button { font-size: 40px; color: rgb(200, 0, 0); }
        body { font-family: serif; letter-spacing: 3px; }
      </style>`,
    );
    expect(await shadowStyle(page, '[part~="launcher"]', 'border-radius')).toBe('4px');
    expect(await shadowStyle(page, '[part~="status"]', 'color')).toBe('rgb(1, 2, 3)');
    expect(await shadowStyle(page, '[part~="start-button"]', 'font-size')).toBe('15px');
    expect(await shadowStyle(page, '[part~="panel"]', 'letter-spacing')).toBe('normal');
    const pageButton = await page.evaluate(() => {
      const style = getComputedStyle(document.getElementById('host-button') as HTMLElement);
      return [style.fontSize, style.color];
    });
    expect(pageButton).toEqual(['40px', 'rgb(200, 0, 0)']);
  });

  it('turns transitions off under prefers-reduced-motion', async () => {
    const page = await open('<voice-agent token-url="/token"></voice-agent>');
    expect(await shadowStyle(page, '[part~="launcher"]', 'transition-duration')).toBe('0.15s');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await shadowStyle(page, '[part~="launcher"]', 'transition-duration')).toBe('0s');
  });
});

describe('languages and labels', () => {
  it('speaks the language of lang, or of the page, and takes label overrides', async () => {
    const page = await open(
      '<div lang="de"><voice-agent token-url="/token" open></voice-agent></div>',
    );
    const widget = page.locator('voice-agent');
    await widget.getByRole('button', { name: 'Mit unserem Assistenten sprechen' }).waitFor();
    await page.evaluate(() => document.querySelector('voice-agent')?.setAttribute('lang', 'fr'));
    await widget.getByRole('button', { name: "Démarrer l'appel" }).waitFor();
    await page.evaluate(async () => {
      const element = document.querySelector('voice-agent');
      if (!element) return;
      element.labels = { start: 'Appeler', states: { idle: 'Prêt' } };
      element.label = 'Aide vocale';
      await element.updateComplete;
    });
    await widget.getByRole('button', { name: 'Appeler' }).waitFor();
    await widget.getByRole('button', { name: 'Aide vocale' }).waitFor();
    expect(await widget.getByRole('status').textContent()).toBe('Prêt');
  });

  it('hides captions with transcript="false" and shows a text field with text-input', async () => {
    const page = await open('<voice-agent token-url="/token" open text-input></voice-agent>');
    const widget = page.locator('voice-agent');
    expect(await widget.getByRole('log').count()).toBe(1);
    expect(await widget.getByRole('textbox', { name: 'Type a message' }).count()).toBe(1);
    await page.evaluate(() =>
      document.querySelector('voice-agent')?.setAttribute('transcript', 'false'),
    );
    await expect.poll(() => widget.getByRole('log').count()).toBe(0);
  });
});
