import { waitFor } from '@voice-agent/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallFixture, startCallFixture, widgetState } from './call-fixture.js';
import { axeViolations, waitForEvents, widgetEventKinds, widgetPage } from './harness.js';
import { startCuttableProxy } from './token-service.js';

// The whole call path: the widget in Chromium, the real token service, the development
// LiveKit server, and the agent's side played by LiveKit's Node client.
let call: CallFixture;

beforeAll(async () => {
  call = await startCallFixture();
});
afterAll(() => call?.close());
afterEach(() => expect(call.browser.pageErrors).toEqual([]));

describe('a call against the development server', () => {
  it('connects, follows the agent, shows captions, runs page tools, sends text, mutes and ends', async () => {
    const agent = await call.joinAgent('call-room');
    await agent.setState('listening');
    const page = await call.openCall('call-room');
    const widget = page.locator('voice-agent');
    await page.evaluate(() => {
      const element = document.querySelector('voice-agent');
      element?.registerTool({
        name: 'add_to_cart',
        description: 'Adds a product to the cart',
        parameters: { type: 'object', properties: { product: { type: 'string' } } },
        handler: ({ product }) => ({ cart: [product] }),
      });
      element?.registerTool({
        name: 'checkout',
        description: 'Checks out',
        handler: () => {
          throw new Error('payment service down');
        },
      });
    });

    await widget.getByRole('button', { name: 'Talk to our assistant' }).click();
    await waitForEvents(page, 'voice-agent-connected');
    await widget.getByRole('status').filter({ hasText: 'Listening' }).waitFor();

    // The page's tools were declared once the agent was there.
    await waitFor(() => (agent.declarations.length > 0 ? true : undefined), {
      what: 'the tool declaration',
    });
    expect(agent.declarations[0]).toMatchObject({
      version: 1,
      tools: [{ name: 'add_to_cart' }, { name: 'checkout' }],
    });

    // The agent hears the visitor's microphone (the fake capture plays a tone).
    await waitFor(() => (agent.visitorLevel() > 0.05 ? true : undefined), {
      what: "the visitor's audio at the agent",
      timeoutMs: 15_000,
    });

    await agent.setState('speaking');
    await widget.getByRole('status').filter({ hasText: 'Speaking' }).waitFor();
    await agent.caption('seg-1', ['Hello, ', 'how can I help?']);
    await widget.getByRole('log').filter({ hasText: 'Hello, how can I help?' }).waitFor();
    const captions = await waitForEvents(page, 'voice-agent-transcript', 2);
    expect(captions.at(-1)).toEqual({
      segmentId: 'seg-1',
      role: 'agent',
      text: 'Hello, how can I help?',
      final: true,
    });
    // The visitor's words, transcribed by the agent, show on the visitor's side.
    const microphone = agent.visitorMicrophone();
    expect(microphone).toBeDefined();
    await agent.caption('seg-2', ['I need a tent'], { transcribedTrackId: microphone ?? '' });
    await widget.locator('.caption.user').filter({ hasText: 'I need a tent' }).waitFor();
    expect((await waitForEvents(page, 'voice-agent-transcript', 3)).at(-1)).toEqual({
      segmentId: 'seg-2',
      role: 'user',
      text: 'I need a tent',
      final: true,
    });

    // The call's controls and captions are accessible too.
    expect(await axeViolations(page)).toEqual([]);

    // A tool call returns the handler's result; a throwing handler becomes a tool error.
    expect(JSON.parse(await agent.callTool('add_to_cart', { product: 'tent' }))).toEqual({
      result: { cart: ['tent'] },
    });
    const failure = await agent
      .callTool('checkout', {})
      .catch((error: { code: number; message: string }) => error);
    expect(failure).toMatchObject({ code: 2001, message: 'payment service down' });
    expect(await waitForEvents(page, 'voice-agent-tool-call', 2)).toEqual([
      { name: 'add_to_cart', arguments: { product: 'tent' }, result: { cart: ['tent'] } },
      { name: 'checkout', arguments: {}, error: { code: 2001, message: 'payment service down' } },
    ]);

    // Parallel calls in one model turn all get their answers.
    const parallel = await Promise.all(
      ['boots', 'stove', 'lamp'].map((product) => agent.callTool('add_to_cart', { product })),
    );
    expect(parallel.map((answer) => JSON.parse(answer).result.cart[0])).toEqual([
      'boots',
      'stove',
      'lamp',
    ]);

    // Registering a tool during the call declares the whole set again.
    await page.evaluate(() =>
      document.querySelector('voice-agent')?.registerTool({
        name: 'track_order',
        description: 'Where the order is',
        handler: () => 'shipped',
      }),
    );
    await waitFor(() => (agent.declarations.length > 1 ? true : undefined), {
      what: 'the second declaration',
    });
    expect(agent.declarations[1]?.tools.map((tool) => tool.name)).toEqual([
      'add_to_cart',
      'checkout',
      'track_order',
    ]);

    // Typed text reaches the agent on lk.chat and shows as the visitor's caption.
    await widget.getByRole('textbox', { name: 'Type a message' }).fill('Do you ship to Canada?');
    await widget.getByRole('button', { name: 'Send' }).click();
    await waitFor(() => (agent.chat.includes('Do you ship to Canada?') ? true : undefined), {
      what: 'the typed text at the agent',
    });
    await widget.getByRole('log').filter({ hasText: 'Do you ship to Canada?' }).waitFor();

    // Mute: the agent stops hearing the tone.
    await widget.getByRole('button', { name: 'Mute microphone' }).click();
    expect(
      await widget.getByRole('button', { name: 'Unmute microphone' }).getAttribute('aria-pressed'),
    ).toBe('true');
    await new Promise((resolve) => setTimeout(resolve, 500));
    agent.resetVisitorLevel();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(agent.visitorLevel()).toBeLessThan(0.01);

    // Unmute: the agent hears the tone again.
    await widget.getByRole('button', { name: 'Unmute microphone' }).click();
    await waitFor(() => (agent.visitorLevel() > 0.01 ? true : undefined), {
      what: 'the tone at the agent after unmuting',
    });

    // End: the visitor leaves the room.
    await widget.getByRole('button', { name: 'End call' }).click();
    await widget.getByRole('status').filter({ hasText: 'Call ended' }).waitFor();
    expect(await waitForEvents(page, 'voice-agent-ended')).toEqual([{ reason: 'user' }]);
    await waitFor(() => (agent.visitor() === undefined ? true : undefined), {
      what: 'the visitor to leave the room',
    });
    expect(await widgetState(page)).toBe('ended');

    // Each event is an instance of its exported class, bubbling and composed.
    expect(await widgetEventKinds(page)).toEqual([
      'voice-agent-connected: VoiceAgentConnectedEvent, bubbles, composed',
      'voice-agent-ended: VoiceAgentEndedEvent, bubbles, composed',
      'voice-agent-state: VoiceAgentStateEvent, bubbles, composed',
      'voice-agent-tool-call: VoiceAgentToolCallEvent, bubbles, composed',
      'voice-agent-tools: VoiceAgentToolsEvent, bubbles, composed',
      'voice-agent-transcript: VoiceAgentTranscriptEvent, bubbles, composed',
    ]);
  });

  it("plays the agent's voice: the visitor's visualizer moves with it", async () => {
    const agent = await call.joinAgent('voice-room');
    await agent.setState('listening');
    const page = await call.openCall('voice-room', 'start-muted');
    const widget = page.locator('voice-agent');
    await widget.getByRole('button', { name: 'Talk to our assistant' }).click();
    await widget.getByRole('status').filter({ hasText: 'Listening' }).waitFor();
    const agentLevel = () =>
      page.evaluate(() => {
        const bars = document
          .querySelector('voice-agent')
          ?.shadowRoot?.querySelector('[part~="visualizer"]');
        return Number((bars as HTMLElement | null)?.style.getPropertyValue('--agent-level') || 0);
      });
    expect(await agentLevel()).toBe(0);
    const stop = await agent.speakTone();
    await agent.setState('speaking');
    await expect.poll(agentLevel, { timeout: 15_000 }).toBeGreaterThan(0.02);
    stop();
    // Started muted: nothing of the visitor reached the agent.
    expect(agent.visitorLevel()).toBe(0);
    await page.evaluate(() => document.querySelector('voice-agent')?.end());
  });

  it('ends the call and says so when the agent leaves', async () => {
    const { agent, page, widget } = await call.startedCall('leave-room', 'listening', 'Listening');
    await agent.leave();
    await widget.getByRole('status').filter({ hasText: 'The assistant left the call.' }).waitFor();
    expect(await waitForEvents(page, 'voice-agent-ended')).toEqual([{ reason: 'agent_left' }]);
  });

  it('ends cleanly while a caption is still streaming, with no page error', async () => {
    const { agent, page, widget } = await call.startedCall('cut-room', 'speaking', 'Speaking');
    const writer = await agent.openCaption('cut-1');
    await writer.write('Half a sen');
    await widget.locator('[part~="caption-agent"]', { hasText: 'Half a sen' }).waitFor();
    await page.evaluate(() => document.querySelector('voice-agent')?.end());
    expect(await waitForEvents(page, 'voice-agent-ended')).toEqual([{ reason: 'user' }]);
    // The cut-off stream fails once the room is gone; give that failure time to surface.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    await writer.close().catch(() => undefined);
  });

  it('fails with agent_timeout when no agent joins in time', async () => {
    const page = await call.openCall('empty-room', 'agent-timeout="1500"');
    const widget = page.locator('voice-agent');
    await widget.getByRole('button', { name: 'Talk to our assistant' }).click();
    await waitForEvents(page, 'voice-agent-connected');
    expect(await widgetState(page)).toBe('connecting');
    const [error] = await waitForEvents(page, 'voice-agent-error');
    expect(error).toMatchObject({ code: 'agent_timeout' });
    expect(await widget.getByRole('alert').textContent()).toBe(
      'The assistant did not join. Please try again.',
    );
    expect(await widgetEventKinds(page)).toContain(
      'voice-agent-error: VoiceAgentErrorEvent, bubbles, composed',
    );
  });

  it('shows reconnecting when the connection drops, then fails with connection_lost and a retry', async () => {
    const agent = await call.joinAgent('dropped-room');
    await agent.setState('listening');
    const proxy = await startCuttableProxy(call.devServer.url);
    const service = await call.tokenService('dropped-room', proxy.url);
    const element = `<voice-agent token-url="${service.url}/token"></voice-agent>`;
    const page = await call.browser.open(
      call.browser.server.page('/dropped.html', widgetPage(element)),
    );
    const widget = page.locator('voice-agent');
    await widget.getByRole('button', { name: 'Talk to our assistant' }).click();
    await widget.getByRole('status').filter({ hasText: 'Listening' }).waitFor();
    await proxy.cut();
    await widget
      .getByRole('status')
      .filter({ hasText: 'Connection lost, reconnecting…' })
      .waitFor({ timeout: 20_000 });
    expect(await widgetState(page)).toBe('connecting');
    const [error] = await waitForEvents(page, 'voice-agent-error', 1, 40_000);
    expect(error).toMatchObject({ code: 'connection_lost' });
    expect(await widget.getByRole('alert').textContent()).toBe('The connection was lost.');
    expect(await widget.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
  });
});
