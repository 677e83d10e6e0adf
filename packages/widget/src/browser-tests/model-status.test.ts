import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallFixture, startCallFixture, widgetState } from './call-fixture.js';
import { waitForEvents } from './harness.js';

// The agent's connection to its model, as its `voice-agent.model` attribute tells it: the
// visitor sees a reconnect, and a model that cannot come back ends the call with an error.
let call: CallFixture;

beforeAll(async () => {
  call = await startCallFixture();
});
afterAll(() => call?.close());
afterEach(() => expect(call.browser.pageErrors).toEqual([]));

describe("the agent's model connection", () => {
  it('shows reconnecting while the agent reconnects to its model, keeping every caption once', async () => {
    const { agent, page, widget } = await call.startedCall('model-room', 'speaking', 'Speaking');
    await agent.caption('before', ['Your order ', 'shipped.']);
    await widget.locator('[part~="caption-agent"]', { hasText: 'Your order shipped.' }).waitFor();

    await agent.setModelStatus('reconnecting');
    const status = widget.getByRole('status');
    await status.filter({ hasText: 'Reconnecting to the assistant…' }).waitFor();
    expect(await status.getAttribute('aria-live')).toBe('polite');
    expect(await widgetState(page)).toBe('reconnecting');

    // The framework's own state moves on meanwhile; the visitor still sees the reconnect, and
    // a caption finished during the switch arrives.
    await agent.setState('listening');
    await agent.caption('during', ['It arrives ', 'Tuesday.']);
    await widget.locator('[part~="caption-agent"]', { hasText: 'It arrives Tuesday.' }).waitFor();
    expect(await widgetState(page)).toBe('reconnecting');
    expect(await widget.getByRole('button', { name: 'End call' }).isVisible()).toBe(true);

    await agent.setModelStatus('connected');
    await status.filter({ hasText: 'Listening' }).waitFor();
    await agent.caption('after', ['Anything else?']);
    await widget.locator('[part~="caption-agent"]', { hasText: 'Anything else?' }).waitFor();

    const states = (await waitForEvents(page, 'voice-agent-state', 4)) as { state: string }[];
    expect(states.map(({ state }) => state)).toEqual([
      'connecting',
      'speaking',
      'reconnecting',
      'listening',
    ]);
    // Each caption once, in order, on screen and as final events.
    const onScreen = await widget.locator('[part~="caption-agent"]').allTextContents();
    expect(onScreen.map((text) => text.replace(/\s+/g, ' ').trim())).toEqual([
      'Assistant: Your order shipped.',
      'Assistant: It arrives Tuesday.',
      'Assistant: Anything else?',
    ]);
    const captions = (await waitForEvents(page, 'voice-agent-transcript')) as {
      segmentId: string;
      final: boolean;
    }[];
    expect(captions.filter((c) => c.final).map((c) => c.segmentId)).toEqual([
      'before',
      'during',
      'after',
    ]);
    await page.evaluate(() => document.querySelector('voice-agent')?.end());
  });

  it('fails with model_unavailable, not agent_left, when the agent gives up on its model and leaves', async () => {
    const { agent, page, widget } = await call.startedCall('lost-model', 'listening', 'Listening');
    await agent.setModelStatus('reconnecting');
    await widget
      .getByRole('status')
      .filter({ hasText: 'Reconnecting to the assistant…' })
      .waitFor();
    await agent.setModelStatus('failed');
    await agent.leave();

    const [error] = await waitForEvents(page, 'voice-agent-error');
    expect(error).toMatchObject({ code: 'model_unavailable' });
    expect(await widget.getByRole('alert').textContent()).toBe(
      'The assistant is unavailable right now. Please try again.',
    );
    expect(await widget.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
    expect(await waitForEvents(page, 'voice-agent-ended')).toEqual([{ reason: 'error' }]);
    // The agent's departure after that changes nothing: one error, no second end.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    expect(await widgetState(page)).toBe('error');
    const states = (await waitForEvents(page, 'voice-agent-state')) as { state: string }[];
    expect(states.map(({ state }) => state)).toEqual([
      'connecting',
      'listening',
      'reconnecting',
      'error',
    ]);
    expect(await waitForEvents(page, 'voice-agent-ended')).toHaveLength(1);
    expect(await waitForEvents(page, 'voice-agent-error')).toHaveLength(1);
  });
});
