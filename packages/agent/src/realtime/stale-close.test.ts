import { llm } from '@livekit/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { recallingTurn, type ServerEvent, spokenTurn, tonePcm } from '../testing/index.js';
import { type Harness, startHarness } from '../worker/harness.test-helper.js';
import { latest, NAME, oneTurn, say } from './conversation.test-helper.js';

// The agent left a connection for a new one, but the old socket is not gone yet: a loaded
// Gemini answers the close late, sends what it still had meanwhile (an answer, a resumption
// handle for its own, older context), and closes with 1011. None of it may reach the
// conversation: no caption, no reconnect, and a later resume does not go back to that handle.
// The real AgentSession, Google plugin and @google/genai against the stand-in.

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** What the old connection still sends after the agent closed it, 1011 last. */
const LATE_CLOSE: ServerEvent = {
  type: 'lingerOnClose',
  ms: 1_000,
  events: [
    { type: 'wait', ms: 1_500 },
    // Its turnComplete brings a handle that restores this connection's context.
    ...spokenTurn('A stale answer.', tonePcm({ durationMs: 200 })),
  ],
  code: 1011,
  reason: 'Internal error encountered.',
};

async function start(): Promise<Harness> {
  harness = await startHarness(
    { clientTools: { enabled: true } },
    {},
    { reactions: [{ on: 'clientTurn', reply: recallingTurn(NAME) }] },
    { backoffMs: () => 100 },
  );
  await harness.standIn.waitForTools([]);
  return harness;
}

/** Waits until the old connection has closed (its late close included), then a little more. */
async function afterOldCloses(h: Harness, id: number): Promise<void> {
  await h.standIn.until(
    () => h.standIn.connections.find((c) => c.id === id)?.ended,
    10_000,
    `connection ${id} to close`,
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
}

/** Nothing of the old connection showed: one switch, no reconnect, no stale caption. */
function expectUntouched(h: Harness): void {
  expect(h.standIn.connections.length).toBe(2);
  expect(h.standIn.connections[0]?.ended?.code).toBe(1011);
  expect(h.statuses.map((s) => s.status)).toEqual(['connected']);
  expect(h.transcript).not.toContain('assistant: A stale answer.');
  expect(h.closed).toBeUndefined();
}

describe('a late close of a connection the agent has left', () => {
  it('leaves the session after a goAway alone, and a later resume takes the current handle', async () => {
    const h = await start();
    await say(h, 'My name is Grace.', 'Your name is Grace.');
    await h.standIn.play([LATE_CLOSE, { type: 'goAway', timeLeft: '5s' }]);
    await h.standIn.until(() => (latest(h) === 2 ? true : undefined), 5_000, 'the switch');
    // Said on the new connection while the old one still talks.
    await say(h, 'My name is Ada.', 'Your name is Ada.');
    await afterOldCloses(h, 1);
    expectUntouched(h);
    // Resumed with the old connection's handle, the model would be back to Grace.
    await h.standIn.play([{ type: 'close', code: 1011, reason: 'Internal error encountered.' }]);
    await h.standIn.until(() => (latest(h) === 3 ? true : undefined), 5_000, 'the reconnect');
    await say(h, 'What is my name?', 'Your name is Ada.');
    expect(h.standIn.connections[2]?.handle).toBe('restored');
    expect(h.standIn.contextVerdict(3)).toMatchObject({ delivery: 'once' });
    expect(h.statuses.map((s) => s.status)).toEqual(['connected', 'reconnecting', 'connected']);
  });

  it('leaves the session after a switch for new tools alone', async () => {
    const h = await start();
    await say(h, 'My name is Grace.', 'Your name is Grace.');
    await h.standIn.play([LATE_CLOSE]);
    const weather = llm.tool({
      name: 'get_weather',
      description: 'The weather',
      execute: async () => 'sunny',
    });
    await h.agent.updateTools(new llm.ToolContext([weather]));
    expect((await h.standIn.waitForTools(['get_weather'])).connection).toBe(2);
    await afterOldCloses(h, 1);
    expectUntouched(h);
    h.standIn.react(oneTurn(spokenTurn('Still here.')), 'first');
    await say(h, 'Are you there?', 'Still here.');
    await say(h, 'What is my name?', 'Your name is Grace.');
    expect(h.standIn.contextVerdict(2)).toMatchObject({ delivery: 'once' });
  });
});
