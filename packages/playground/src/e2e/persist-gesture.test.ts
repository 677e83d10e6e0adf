import { makeToneWav, waitFor } from '@voice-agent/testing';
// Types only: the element's methods on `document.querySelector('voice-agent')`.
import type {} from '@voice-agent/widget';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contextDeliveries, startCall, typedTurn } from './disruption-observer.js';
import { type OfflineStack, startOfflineStack } from './offline-stack.js';
import { eventsIn, readWithoutGesture, stateSequence } from './page-recorder.js';

// `persist` where the browser wants a click before a page plays sound (Chromium's policy for
// sites a visitor has not engaged with, here forced with a switch): a reload must not rejoin
// on its own, but show the captions and a "Continue the conversation" button; its click
// rejoins the same room, agent and conversation. The real stack, as in persist.test.ts.

const GREETING = 'I am Ada, the concierge of Hotel Example.';

let stack: OfflineStack;

beforeAll(async () => {
  stack = await startOfflineStack(await makeToneWav({ amplitude: 0, durationMs: 1_000 }), {
    // Chromium takes the last value of a repeated switch: this one overrides the default's.
    chromium: { args: ['--autoplay-policy=document-user-activation-required'] },
  });
});

// A failure's cause is rarely in its message: print what the page and the widget went through,
// what the tab keeps, the rooms and what the stack logged meanwhile.
beforeEach(({ onTestFailed }) => {
  const from = stack.logs.length;
  onTestFailed(async () => {
    const { page } = stack;
    const kept = await page.evaluate(() =>
      Object.keys(sessionStorage).map(
        (key) => `${key}: ${sessionStorage.getItem(key)?.length} chars`,
      ),
    );
    const shown = await page
      .locator('voice-agent')
      .evaluate((element) => element.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim());
    console.error(
      [
        `widget events on this page: ${(await eventsIn(page)).map((e) => e.type.replace('voice-agent-', '')).join(', ')}`,
        `widget states on this page: ${(await stateSequence(page)).join(' → ')}`,
        `the widget shows: ${shown}`,
        `sessionStorage: ${kept.join('; ')}`,
        `rooms: ${JSON.stringify(stack.devServer().rooms())}`,
        `jobs: ${JSON.stringify(stack.devServer().jobs())}`,
        'stack logs:',
        ...stack.logs.slice(from),
      ].join('\n'),
    );
  });
});

afterAll(() => stack?.close());

describe('persist when autoplay needs a gesture', () => {
  it('offers "Continue the conversation" after a reload; its click rejoins the call', async () => {
    const { page } = stack;
    const widget = page.locator('voice-agent');
    await startCall(page, GREETING);
    await typedTurn(page, 'My name is Grace', 'Nice to meet you');
    const room = stack.devServer().rooms()[0]?.name;
    const jobs = stack.devServer().jobs();
    expect(jobs).toHaveLength(1);

    // The widget asks a silent AudioContext whether it may play sound, then closes it: count
    // the closes to know when it has decided.
    await page.addInitScript(() => {
      const scope = window as unknown as { audioContextsClosed: number };
      const close = AudioContext.prototype.close;
      scope.audioContextsClosed = 0;
      AudioContext.prototype.close = function (this: AudioContext) {
        scope.audioContextsClosed += 1;
        return close.call(this);
      };
    });
    await page.reload();
    // Until it has decided, the test must not act as a visitor would (see readWithoutGesture).
    const read = await readWithoutGesture(page);
    await waitFor(
      async () => ((await read('window.audioContextsClosed')) as number) > 0 || undefined,
      {
        what: 'the widget asking whether it may play sound',
      },
    );
    expect(
      await read(`({
        activated: navigator.userActivation.hasBeenActive,
        states: window.widgetEvents.filter((e) => e.type === 'voice-agent-state').length,
      })`),
    ).toEqual({ activated: false, states: 0 });
    const resume = widget.getByRole('button', { name: 'Continue the conversation' });
    await resume.waitFor();
    expect(await widget.locator('[part~="caption"]').allTextContents()).toContainEqual(
      expect.stringContaining('Nice to meet you'),
    );
    // Nothing started without the visitor.
    expect(await eventsIn(page, 'voice-agent-state')).toEqual([]);

    await resume.click();
    await waitFor(
      async () =>
        (await eventsIn(page, 'voice-agent-state')).some((e) => e.detail.state === 'listening')
          ? true
          : undefined,
      { what: 'the call back, listening', timeoutMs: 30_000 },
    );
    expect(
      stack
        .devServer()
        .rooms()
        .map((r) => r.name),
    ).toContain(room);
    expect(stack.devServer().jobs()).toEqual(jobs);
    await typedTurn(page, 'Who am I?', 'Your name is Grace');
    expect(contextDeliveries(stack.standIn(), 0).filter((d) => d.delivery !== 'once')).toEqual([]);
  });
});
