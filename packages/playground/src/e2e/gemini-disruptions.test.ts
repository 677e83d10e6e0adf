import { makeToneWav, waitFor } from '@voice-agent/testing';
// Types only: the element's methods on `document.querySelector('voice-agent')`.
import type {} from '@voice-agent/widget';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OfflineStack, startOfflineStack } from './offline-stack.js';
import { eventsIn, stateSequence } from './page-recorder.js';

// What real Gemini Live does to a session, end to end: the playground page in Chromium, the
// real worker, the development LiveKit server and the Gemini Live stand-in, from which every
// disruption comes, as the real service would send it.

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

describe('a Gemini Live that fails the agent', () => {
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
