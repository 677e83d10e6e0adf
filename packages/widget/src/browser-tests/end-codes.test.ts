import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallFixture, startCallFixture, widgetState } from './call-fixture.js';
import { waitForEvents } from './harness.js';

// Why the agent ended the call itself, as its `voice-agent.end` attribute says: a lost worker
// is followed by a new agent (the widget reconnects), a drained one by the widget's own code.
let call: CallFixture;

beforeAll(async () => {
  call = await startCallFixture();
});
afterAll(() => call?.close());
afterEach(() => expect(call.browser.pageErrors).toEqual([]));

describe("the agent's end codes", () => {
  it('shows reconnecting when the worker is lost, then listens to the new agent, tools declared again', async () => {
    const { agent, page, widget } = await call.startedCall('lost-worker', 'listening', 'Listening');
    await agent.announceEnd('worker-lost');
    const status = widget.getByRole('status');
    await status.filter({ hasText: 'Reconnecting to the assistant…' }).waitFor();
    await agent.leave();

    // LiveKit dispatches the room again: the new agent starts, then has its session.
    const successor = await call.joinAgent('lost-worker');
    await successor.setState('initializing');
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(await widgetState(page)).toBe('reconnecting');
    await successor.setState('listening');
    await status.filter({ hasText: 'Listening' }).waitFor();
    await expect.poll(() => successor.declarations.length).toBeGreaterThan(0);

    const states = (await waitForEvents(page, 'voice-agent-state')) as { state: string }[];
    expect(states.map(({ state }) => state)).toEqual([
      'connecting',
      'listening',
      'reconnecting',
      'listening',
    ]);
    expect(await waitForEvents(page, 'voice-agent-ended', 0)).toEqual([]);
    expect(await waitForEvents(page, 'voice-agent-error', 0)).toEqual([]);
    await page.evaluate(() => document.querySelector('voice-agent')?.end());
  });

  it('fails with agent_lost when no new agent takes the call over within agent-timeout', async () => {
    const agent = await call.joinAgent('lost-for-good');
    await agent.setState('listening');
    const page = await call.openCall('lost-for-good', 'agent-timeout="1500"');
    const widget = page.locator('voice-agent');
    await widget.getByRole('button', { name: 'Talk to our assistant' }).click();
    await widget.getByRole('status').filter({ hasText: 'Listening' }).waitFor();
    await agent.announceEnd('worker-lost');
    await agent.leave();

    const [error] = await waitForEvents(page, 'voice-agent-error');
    expect(error).toMatchObject({ code: 'agent_lost' });
    expect(await widget.getByRole('alert').textContent()).toBe(
      "The assistant's server stopped. Please call again.",
    );
    expect(await waitForEvents(page, 'voice-agent-ended')).toEqual([{ reason: 'error' }]);
  });

  it('fails with service_restarting when the agent ends the call at the drain limit', async () => {
    const { agent, page, widget } = await call.startedCall('drained', 'speaking', 'Speaking');
    await agent.announceEnd('drain-limit');
    await agent.leave();

    const [error] = await waitForEvents(page, 'voice-agent-error');
    expect(error).toMatchObject({ code: 'service_restarting' });
    expect(await widget.getByRole('alert').textContent()).toBe(
      'The assistant is restarting. Please call again in a moment.',
    );
    expect(await waitForEvents(page, 'voice-agent-ended')).toEqual([{ reason: 'error' }]);
  });
});
