import { spokenTurn, tonePcm } from '@voice-agent/agent/testing';
import { makeToneWav, waitFor } from '@voice-agent/testing';
// Types only: the element's methods on `document.querySelector('voice-agent')`.
import type {} from '@voice-agent/widget';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finalCaptions, startCall, typedTurn } from './disruption-observer.js';
import { chromiumAsCutUser, NetworkCut } from './network-cut.js';
import { type OfflineStack, startOfflineStack } from './offline-stack.js';
import { agentAudioPeak, eventsIn, resetAgentAudioPeak, stateSequence } from './page-recorder.js';

// A visitor's network goes away for real in the middle of an answer: Chromium runs as its own
// user and iptables drops everything it sends and everything sent to it (its signalling
// WebSocket, its WebRTC media and data) for 10 s. The dev server notices the silence (a short
// ping timeout, so that both sides do within the cut) and keeps the participant; the widget
// resumes the session when the network is back. The visitor then goes on talking to the
// same agent, which still knows what they said before the cut.

const GREETING = 'I am Ada, the concierge of Hotel Example.';
const CUT_MS = 10_000;
const LONG_ANSWER = 'Let me tell you all about the hotel.';

let stack: OfflineStack | undefined;
let network: NetworkCut | undefined;
const tokenStatuses: number[] = [];

function started(): OfflineStack {
  if (!stack) throw new Error('the offline stack did not start');
  return stack;
}

beforeEach(async () => {
  tokenStatuses.length = 0;
  stack = await startOfflineStack(await makeToneWav({ amplitude: 0, durationMs: 1_000 }), {
    chromium: { executablePath: await chromiumAsCutUser() },
    devServer: { pingTimeoutSeconds: 4 },
  });
  stack.page.on('response', (response) => {
    if (new URL(response.url()).pathname === '/token') tokenStatuses.push(response.status());
  });
  network = new NetworkCut();
  await network.start();
});

afterEach(async ({ task }) => {
  await network?.close();
  if (task.result?.state === 'fail' && stack) {
    console.error(
      [
        `widget states: ${(await stateSequence(stack.page)).join(' → ')}`,
        // Since the last reset (the last typed question): whether its answer was heard at all.
        `agent audio peak since the last question: ${await agentAudioPeak(stack.page)}`,
        'stack logs:',
        ...stack.logs.slice(-150),
      ].join('\n'),
    );
  }
  await stack?.close();
  stack = undefined;
});

describe('a visitor whose network drops for 10 s', () => {
  it('comes back to the same conversation: same room and agent, captions kept, context kept', async () => {
    const { page } = started();
    const widget = page.locator('voice-agent');
    const devServer = started().devServer();
    await startCall(page, GREETING);
    await typedTurn(page, 'My name is Grace.', 'Nice to meet you, Grace.');
    const [room] = devServer.rooms();
    const [job] = devServer.jobs();

    // A long answer; the network goes once the visitor hears it.
    started()
      .standIn()
      .react(
        {
          on: 'clientTurn',
          times: 1,
          reply: spokenTurn(LONG_ANSWER, tonePcm({ durationMs: 12_000 })),
        },
        'first',
      );
    await resetAgentAudioPeak(page);
    await page.evaluate(() => document.querySelector('voice-agent')?.sendText('Tell me more.'));
    await waitFor(async () => ((await agentAudioPeak(page)) > 0.02 ? true : undefined), {
      what: 'the long answer heard',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    await network?.cut();
    const cutAt = Date.now();
    await widget
      .locator('[part="status"]', { hasText: 'Connection lost, reconnecting…' })
      .waitFor({ timeout: CUT_MS });
    await new Promise((resolve) => setTimeout(resolve, CUT_MS - (Date.now() - cutAt)));
    await network?.restore();

    // Back: the same conversation, its captions still in the panel, the agent's context kept.
    await waitFor(
      async () => ((await stateSequence(page)).at(-1) === 'listening' ? true : undefined),
      { what: 'listening again after the network came back', timeoutMs: 30_000, intervalMs: 100 },
    );
    await widget
      .locator('[part~="caption-agent"]', { hasText: 'Nice to meet you, Grace.' })
      .waitFor({ timeout: 1_000 });
    await widget
      .locator('[part~="caption-user"]', { hasText: 'My name is Grace.' })
      .waitFor({ timeout: 1_000 });
    await typedTurn(page, 'What is my name?', 'Your name is Grace.');

    expect(tokenStatuses).toEqual([200]);
    expect(await eventsIn(page, 'voice-agent-ended')).toEqual([]);
    expect(await eventsIn(page, 'voice-agent-error')).toEqual([]);
    expect(devServer.rooms()).toEqual([room]);
    expect(devServer.jobs()).toEqual([job]);
    expect((await finalCaptions(page, 'agent')).filter((t) => t.includes(GREETING))).toHaveLength(
      1,
    );
  });
});
