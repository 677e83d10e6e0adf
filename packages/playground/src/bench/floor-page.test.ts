import { type LaunchedBrowser, launchChromium } from '@voice-agent/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinFromPage } from './floor-page.js';

describe("joining the floor's room from a page (in Chromium)", () => {
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("fails at once, naming the floor's script, in a page that did not load it", async () => {
    const page = await browser.context.newPage();
    await page.setContent('<!doctype html><title>no floor</title>');
    await expect(joinFromPage(page, 'ws://127.0.0.1:9', 'token', true)).rejects.toThrow(
      "the floor's script (/voice-agent-bench-floor/floor.js) is not loaded in this page",
    );
  });
});
