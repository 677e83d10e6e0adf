import { TOOL_CALL_METHOD, TOOL_CANCEL_METHOD } from '@voice-agent/protocol';
import { waitFor } from '@voice-agent/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallFixture, startCallFixture } from './call-fixture.js';
import { waitForEvents } from './harness.js';

// A page tool the agent cancels: the widget in Chromium, the development LiveKit server, and
// the agent's side (LiveKit's Node client) sending the protocol's RPCs as the worker does.
let call: CallFixture;

beforeAll(async () => {
  call = await startCallFixture();
});
afterAll(() => call?.close());

describe('a page tool the agent cancels', () => {
  it("aborts the handler's signal with the reason; the call then ends as the handler decides", async () => {
    const agent = await call.joinAgent('cancel-room');
    await agent.setState('listening');
    const page = await call.openCall('cancel-room');
    await page.evaluate(() => {
      const log: string[] = [];
      (window as unknown as { cancelLog: string[] }).cancelLog = log;
      document.querySelector('voice-agent')?.registerTool({
        name: 'find_room',
        description: 'Searches rooms until it finds one or is cancelled',
        handler: (_args, { signal }) =>
          new Promise((_, reject) => {
            log.push('started');
            signal.addEventListener('abort', () => {
              const reason = signal.reason as { name: string; reason: string };
              log.push(`${reason.name} ${reason.reason}`);
              reject(signal.reason);
            });
          }),
      });
    });
    await page
      .locator('voice-agent')
      .getByRole('button', { name: 'Talk to our assistant' })
      .click();
    await waitForEvents(page, 'voice-agent-connected');
    await waitFor(() => (agent.declarations.length > 0 ? true : undefined), {
      what: 'the tool declaration',
    });
    const visitor = agent.visitor()?.identity ?? '';
    const local = agent.room.localParticipant;
    if (!local) throw new Error('the agent is not connected');
    const running = local
      .performRpc({
        destinationIdentity: visitor,
        method: TOOL_CALL_METHOD,
        payload: JSON.stringify({ name: 'find_room', arguments: {}, callId: 'call-1' }),
      })
      .catch((error: { code: number; message: string }) => error);
    // A cancellation of a call the page does not know is answered and ignored.
    await local.performRpc({
      destinationIdentity: visitor,
      method: TOOL_CANCEL_METHOD,
      payload: JSON.stringify({ callId: 'call-0', reason: 'cancelled' }),
    });
    await waitFor(
      async () =>
        (await page.evaluate(() => (window as unknown as { cancelLog: string[] }).cancelLog))
          .length > 0 || undefined,
      { what: 'the handler running' },
    );
    await local.performRpc({
      destinationIdentity: visitor,
      method: TOOL_CANCEL_METHOD,
      payload: JSON.stringify({ callId: 'call-1', reason: 'interrupted' }),
    });
    expect(await running).toMatchObject({
      code: 2001,
      message: 'The agent cancelled the tool call (interrupted).',
    });
    expect(
      await page.evaluate(() => (window as unknown as { cancelLog: string[] }).cancelLog),
    ).toEqual(['started', 'AbortError interrupted']);
  });
});
