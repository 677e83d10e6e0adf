import { makeToneWav, waitFor } from '@voice-agent/testing';
// Types only: the element's methods on `document.querySelector('voice-agent')`.
import type {} from '@voice-agent/widget';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  contextDeliveries,
  falseEnds,
  finalCaptions,
  newestConnection,
  nextConnection,
  repeated,
  startCall,
  typedTurn,
} from './disruption-observer.js';
import { goAwayDuringToolCall, goAwayMidAnswer } from './disruptions.js';
import { type OfflineStack, startOfflineStack } from './offline-stack.js';
import { eventsIn, stateSequence } from './page-recorder.js';

// What real Gemini Live does to a long session, end to end: the playground page in Chromium,
// the real worker, the development LiveKit server and the Gemini Live stand-in playing the
// offline demo, which answers "what is my name?" from the context its connection holds. The
// visitor types (a silent microphone: no speech barges in); every disruption comes from the
// stand-in, as the real service would send it.

// The greeting's end: its start names the visitor ("Hello there" when anonymous).
const GREETING = 'I am Ada, the concierge of Hotel Example.';

let stack: OfflineStack | undefined;
function started(): OfflineStack {
  if (!stack) throw new Error('the offline stack did not start');
  return stack;
}
const standIn = () => started().standIn();

beforeEach(async () => {
  stack = await startOfflineStack(await makeToneWav({ amplitude: 0, durationMs: 1_000 }));
});

// A failure's cause is rarely in its message: print what the widget and the model went
// through, and what the stack logged.
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail' && stack) {
    console.error(
      [
        `widget states: ${(await stateSequence(stack.page)).join(' → ')}`,
        `connections: ${JSON.stringify(standIn().connections.map(({ context, ...c }) => c))}`,
        'stack logs:',
        ...stack.logs.slice(-150),
      ].join('\n'),
    );
  }
  await stack?.close();
  stack = undefined;
});

/**
 * The final agent captions after the greeting, each as the first of `answers` it contains:
 * a caption shown twice, or an answer lost, changes the list.
 */
async function answersShown(answers: string[]): Promise<string[]> {
  const captions = (await finalCaptions(started().page, 'agent')).filter(
    (t) => !t.includes(GREETING),
  );
  return captions.map((text) => answers.find((answer) => text.includes(answer)) ?? text);
}

/** The visitor hangs up; the call ends as they asked. */
async function hangUp(): Promise<void> {
  await started().page.evaluate(() => document.querySelector('voice-agent')?.end());
  const ended = await waitFor(
    async () => (await eventsIn(started().page, 'voice-agent-ended'))[0],
    {
      what: 'the end of the call',
    },
  );
  expect(ended.detail.reason).toBe('user');
}

describe('a conversation through what real Gemini Live does to it', () => {
  it('goes on through a goAway mid-answer, a goAway during a tool call, a 1011 and a refused handle', async () => {
    const { page, playground } = started();
    await startCall(page, GREETING);
    const first = newestConnection(standIn());

    standIn().react(goAwayMidAnswer(), 'first');
    await typedTurn(page, 'My name is Grace.', 'Nice to meet you, Grace.');
    const afterGoAway = await nextConnection(standIn(), first);

    standIn().react(goAwayDuringToolCall(), 'first');
    await typedTurn(
      page,
      'Please book a table for 2 at 20:00',
      'Your table for 2 at 20:00 is booked',
    );
    const afterToolGoAway = await nextConnection(standIn(), afterGoAway);

    await standIn().play([{ type: 'close', code: 1011, reason: 'Internal error encountered.' }]);
    const afterCrash = await nextConnection(standIn(), afterToolGoAway);
    await typedTurn(page, 'What is my name?', 'Your name is Grace.');

    standIn().expireHandles();
    await standIn().play([{ type: 'goAway', timeLeft: '2s' }]);
    await nextConnection(standIn(), afterCrash);
    expect(
      standIn()
        .connections.filter((c) => c.id > afterCrash)
        .map((c) => c.handle),
    ).toContain('refused');
    await typedTurn(page, 'Who am I?', 'Your name is Grace.');

    expect(await falseEnds(page)).toEqual([]);
    // The abrupt 1011 shows as a reconnect that ends in listening; a planned switch does not.
    const states = await stateSequence(page);
    expect(states.filter((state) => state === 'reconnecting')).toHaveLength(1);
    expect(states.slice(states.indexOf('reconnecting'))).toContain('listening');
    const deliveries = contextDeliveries(standIn(), first);
    expect(deliveries.length).toBeGreaterThanOrEqual(4);
    expect(deliveries.filter((d) => d.delivery !== 'once')).toEqual([]);
    expect(playground.backend.requests.filter((r) => r.path === '/book-table')).toHaveLength(1);
    const calls = standIn().toolCalls;
    expect(calls.map((c) => [c.name, c.answers.length, c.answers[0]?.error])).toEqual([
      ['book_table', 1, undefined],
    ]);
    expect(await answersShown(['Nice to meet you', 'Your table for 2', 'Your name is'])).toEqual([
      'Nice to meet you',
      'Your table for 2',
      'Your name is',
      'Your name is',
    ]);
    expect(repeated(await finalCaptions(page, 'user'))).toEqual([]);
    await hangUp();
  });

  it('outlasts the session budget (15 minutes of audio, time scaled) with its context', async () => {
    const { page } = started();
    // 0.02: a connection lives 12 s, a session without compression may stream 18 s of audio.
    standIn().setLimits(0.02);
    await startCall(page, GREETING);
    const first = newestConnection(standIn());
    await typedTurn(page, 'My name is Linus.', 'Nice to meet you, Linus.');
    const startedAt = Date.now();
    let asked = 0;
    // Longer than the budget: the microphone streams all the time.
    while (
      Date.now() - startedAt < 30_000 ||
      standIn().connections.filter((c) => c.id > first && c.setUp).length < 3
    ) {
      asked += 1;
      await typedTurn(page, `What is my name? (question ${asked})`, 'Your name is Linus.');
      await new Promise((resolve) => setTimeout(resolve, 4_000));
    }
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(await falseEnds(page)).toEqual([]);
    expect(contextDeliveries(standIn(), first).filter((d) => d.delivery !== 'once')).toEqual([]);
    expect(await answersShown(['Nice to meet you', 'Your name is'])).toEqual([
      'Nice to meet you',
      ...Array(asked).fill('Your name is'),
    ]);
    expect(repeated(await finalCaptions(page, 'user'))).toEqual([]);
    await hangUp();
  });

  it('shows model_unavailable, not an end, when Gemini never answers setup', async () => {
    const { page } = started();
    standIn().fault({ fault: 'ignoreSetup', times: 1_000 });
    await page
      .locator('voice-agent')
      .getByRole('button', { name: 'Talk to our assistant' })
      .click();
    let lastAttempt = Date.now();
    let attempts = standIn().connectionCount;
    const error = await waitFor(
      async () => {
        if (standIn().connectionCount !== attempts) {
          attempts = standIn().connectionCount;
          lastAttempt = Date.now();
        }
        return (await eventsIn(page, 'voice-agent-error'))[0];
      },
      { what: 'an error in the widget', timeoutMs: 90_000, intervalMs: 100 },
    );
    expect(error.detail.code).toBe('model_unavailable');
    expect(Date.now() - lastAttempt).toBeLessThanOrEqual(15_000);
    expect(standIn().connections.every((c) => !c.setUp)).toBe(true);
    const states = await stateSequence(page);
    expect(states.slice(0, states.indexOf('error'))).not.toContain('ended');
  });
});
