import { llm } from '@livekit/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { recallingTurn, spokenTurn, tonePcm } from '../testing/index.js';
import { eventually, type Harness, startHarness } from '../worker/harness.test-helper.js';
import { latest, NAME, oneTurn, say } from './conversation.test-helper.js';

// The real AgentSession, Google plugin and @google/genai against the stand-in, through every
// way real Gemini Live ends a connection. Each test asserts what the visitor would notice:
// the answers go on, the model knows what was said before (exactly once), the status.

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** Short limits, so each failure path takes a second or two. */
const FAST = { connectTimeoutMs: 1_500, answerTimeoutMs: 1_500, backoffMs: () => 100 };

async function start(standIn: Parameters<typeof startHarness>[2] = {}): Promise<Harness> {
  harness = await startHarness(
    {},
    {},
    { reactions: [{ on: 'clientTurn', reply: recallingTurn(NAME) }], ...standIn },
    FAST,
  );
  await harness.standIn.waitForTools([]);
  return harness;
}

describe('a conversation through what real Gemini Live does to a session', () => {
  it('moves to a new connection on goAway after the answer, with the context once', async () => {
    const h = await start();
    await say(h, 'My name is Grace.', 'Your name is Grace.');
    // The goAway arrives in the middle of an answer; the answer still plays to its end.
    h.standIn.react(
      oneTurn([
        { type: 'audio', pcm: tonePcm({ durationMs: 600 }) },
        { type: 'goAway', timeLeft: '3s' },
        { type: 'audio', pcm: tonePcm({ durationMs: 600 }) },
        { type: 'outputTranscription', text: 'Here is a long answer.' },
        { type: 'generationComplete' },
        { type: 'turnComplete' },
      ]),
      'first',
    );
    await say(h, 'Tell me something.', 'Here is a long answer.');
    await h.standIn.until(() => (latest(h) === 2 ? true : undefined), 5_000, 'the switch');
    const answer = h.session.history.items.find(
      (item) => item.type === 'message' && item.textContent === 'Here is a long answer.',
    ) as llm.ChatMessage | undefined;
    expect(answer?.interrupted).toBe(false);
    await say(h, 'What is my name?', 'Your name is Grace.');
    expect(h.standIn.contextVerdict(2)).toMatchObject({ delivery: 'once' });
    expect(h.standIn.connections[0]?.ended?.by).toBe('client');
    expect(h.statuses.map((s) => s.status)).toEqual(['connected']);
    expect(h.closed).toBeUndefined();
  });

  it('takes new tools at the end of the answer: neither cut off nor its request left unanswered', async () => {
    // Handles come often, so one covers the request before its answer starts.
    const h = await start({ limits: { resumptionUpdateMs: 50 } });
    h.standIn.react(
      oneTurn([{ type: 'wait', ms: 600 }, ...spokenTurn('Welcome to the shop!')]),
      'first',
    );
    const before = h.transcript.length;
    h.session.generateReply({ userInput: 'Hello?' });
    await h.standIn.waitFor('clientContent', (m) => m.message.clientContent.turnComplete);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const weather = llm.tool({
      name: 'get_weather',
      description: 'The weather',
      execute: async () => 'sunny',
    });
    await h.agent.updateTools(new llm.ToolContext([weather]));
    await eventually(
      () => h.transcript.slice(before).includes('assistant: Welcome to the shop!'),
      'the answer to the request made before the new tools',
    );
    const withTools = await h.standIn.waitForTools(['get_weather']);
    expect(withTools.connection).toBe(2);
    const answer = h.session.history.items.find(
      (item) => item.type === 'message' && item.textContent === 'Welcome to the shop!',
    ) as llm.ChatMessage | undefined;
    expect(answer?.interrupted).toBe(false);
    expect(h.standIn.contextVerdict(2)).toMatchObject({ delivery: 'once' });
    expect(h.statuses.map((s) => s.status)).toEqual(['connected']);
  });

  for (const [what, code] of [
    ['1011 in the middle of an answer', 1011],
    ['1000 with no goAway', 1000],
  ] as const) {
    it(`reconnects after ${what} and answers the question again`, async () => {
      const h = await start();
      await say(h, 'My name is Grace.', 'Your name is Grace.');
      h.standIn.react(
        oneTurn([
          { type: 'audio', pcm: tonePcm({ durationMs: 300 }) },
          { type: 'close', code, reason: 'Internal error encountered.' },
        ]),
        'first',
      );
      // Cut off, the question is asked again on the new connection, which answers it.
      await say(h, 'What is my name?', 'Your name is Grace.');
      const now = latest(h);
      expect(now).toBeGreaterThan(1);
      expect(h.standIn.contextVerdict(now)).toMatchObject({ delivery: 'once' });
      expect(h.statuses.map((s) => s.status)).toEqual(['connected', 'reconnecting', 'connected']);
      await say(h, 'And my name again?', 'Your name is Grace.');
      expect(h.closed).toBeUndefined();
    });
  }

  it('gives the history when Gemini refuses the resumption handle (1007)', async () => {
    const h = await start();
    await say(h, 'My name is Grace.', 'Your name is Grace.');
    h.standIn.expireHandles();
    await h.standIn.play([{ type: 'close', code: 1011, reason: 'Internal error encountered.' }]);
    await h.standIn.until(
      () => h.standIn.connections.find((c) => c.handle === 'refused'),
      5_000,
      'the refused resume',
    );
    await say(h, 'What is my name?', 'Your name is Grace.');
    const now = latest(h);
    expect(h.standIn.connections.find((c) => c.id === now)?.handle).toBe('none');
    expect(h.standIn.contextVerdict(now)).toMatchObject({ delivery: 'once' });
    expect(h.closed).toBeUndefined();
  });

  it('retries through a refused upgrade (429), an unanswered setup and a silent socket', async () => {
    const h = await start();
    await say(h, 'My name is Grace.', 'Your name is Grace.');
    h.standIn.fault({ fault: 'refuseUpgrade', status: 429 });
    h.standIn.fault({ fault: 'ignoreSetup' });
    h.standIn.fault({ fault: 'silentAfterSetup' });
    await h.standIn.play([{ type: 'close', code: 1011, reason: 'Internal error encountered.' }]);
    await say(h, 'What is my name?', 'Your name is Grace.');
    // 1 and the one that works, with the unanswered setup and the silent one between (the
    // refused upgrade never becomes a connection).
    expect(h.standIn.connections.length).toBe(4);
    expect(h.standIn.contextVerdict(latest(h))).toMatchObject({ delivery: 'once' });
    // The silent connection did complete setup, so it showed as connected until found silent.
    expect(h.statuses.map((s) => s.status)).toEqual([
      'connected',
      'reconnecting',
      'connected',
      'reconnecting',
      'connected',
    ]);
    expect(h.closed).toBeUndefined();
  });

  it('ends the session with status failed when Gemini stays unreachable', async () => {
    const h = await start({ faults: [] });
    await say(h, 'My name is Grace.', 'Your name is Grace.');
    h.standIn.fault({ fault: 'refuseUpgrade', status: 429, times: 100 });
    await h.standIn.play([{ type: 'close', code: 1011, reason: 'Internal error encountered.' }]);
    await h.standIn.until(() => h.closed, 15_000, 'the session to end');
    const statuses = h.statuses.map((s) => s.status);
    expect(statuses).toEqual(['connected', 'reconnecting', 'failed']);
    const failedAt = h.statuses.at(-1)?.at ?? 0;
    expect((h.closed?.at ?? 0) - failedAt).toBeLessThan(15_000);
    const closedBy = h.closed?.error as { error?: Error } | undefined;
    expect(closedBy?.error?.message).toMatch(/Gemini Live unavailable after 5 attempts/);
  });
});
