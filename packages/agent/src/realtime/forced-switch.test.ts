import { afterEach, describe, expect, it } from 'vitest';
import { recallingTurn, tonePcm } from '../testing/index.js';
import { eventually, type Harness, startHarness } from '../worker/harness.test-helper.js';
import { NAME, say } from './conversation.test-helper.js';

// A goAway whose time left is shorter than the agent's switch margin forces the switch in the
// middle of an answer. The real AgentSession, Google plugin and @google/genai against the
// stand-in, with a network delay: a handle Gemini issued before the question reached it
// arrives after the question was sent, so it does not cover the question (and during the
// answer Gemini says `resumable: false`). The new connection must still know the question
// exactly once, and answer it.

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('a goAway below the switch margin in the middle of an answer', () => {
  it('gives the new connection the unfinished question once, and answers it', async () => {
    harness = await startHarness(
      {},
      {},
      {
        reactions: [{ on: 'clientTurn', reply: recallingTurn(NAME) }],
        limits: { resumptionUpdateMs: 20 },
        inboundLatencyMs: 100,
      },
    );
    const h = harness;
    await h.standIn.waitForTools([]);
    await say(h, 'My name is Grace.', 'Your name is Grace.');
    h.standIn.react(
      {
        on: 'clientTurn',
        times: 1,
        reply: [
          { type: 'audio', pcm: tonePcm({ durationMs: 300 }) },
          { type: 'goAway', timeLeft: '0.2s' },
          // The rest of the answer would come after the deadline: it never does.
          { type: 'wait', ms: 1_000 },
          { type: 'audio', pcm: tonePcm({ durationMs: 600 }) },
          { type: 'outputTranscription', text: 'Cut off.' },
          { type: 'generationComplete' },
          { type: 'turnComplete' },
        ],
      },
      'first',
    );
    await say(h, 'What is my name?', 'Your name is Grace.').catch((error: Error) => {
      // What each connection was sent, and how it ended: the cause is rarely in the message.
      const sent = h.standIn.received
        .filter((r) => r.kind !== 'realtimeInput')
        .map((r) => `${r.connection} ${JSON.stringify(r.message).slice(0, 160)}`);
      const ends = h.standIn.connections.map(
        (c) => `${c.id} ${c.handle} ${JSON.stringify(c.ended)}`,
      );
      throw new Error([error.message, ...sent, ...ends, ...h.transcript].join('\n'));
    });
    const setUp = h.standIn.connections.filter((c) => c.setUp);
    expect(setUp.length).toBe(2);
    const next = setUp[1]?.id ?? 0;
    expect(h.standIn.contextVerdict(next)).toMatchObject({
      priorTurns: ['My name is Grace.', 'What is my name?'],
      delivery: 'once',
    });
    expect(h.transcript.filter((t) => t === 'assistant: Your name is Grace.')).toHaveLength(2);
    expect(h.transcript).not.toContain('assistant: Cut off.');
    expect(h.closed).toBeUndefined();
  });

  it('answers a spoken question cut off by the switch, which the new connection knows once', async () => {
    harness = await startHarness(
      {},
      {},
      {
        reactions: [{ on: 'clientTurn', reply: recallingTurn(NAME) }],
        limits: { resumptionUpdateMs: 20 },
      },
    );
    const h = harness;
    await h.standIn.waitForTools([]);
    await say(h, 'My name is Grace.', 'Your name is Grace.');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = h.transcript.length;
    // The visitor asks aloud (Gemini transcribes it), and the answer is cut by the switch.
    await h.standIn.play([
      { type: 'inputTranscription', text: 'What is my name?' },
      { type: 'audio', pcm: tonePcm({ durationMs: 300 }) },
      { type: 'goAway', timeLeft: '0.2s' },
      { type: 'wait', ms: 1_000 },
      { type: 'audio', pcm: tonePcm({ durationMs: 600 }) },
      { type: 'outputTranscription', text: 'Cut off.' },
      { type: 'generationComplete' },
      { type: 'turnComplete' },
    ]);
    await eventually(
      () => h.transcript.slice(before).includes('assistant: Your name is Grace.'),
      'the spoken question answered on the new connection',
    );
    const setUp = h.standIn.connections.filter((c) => c.setUp);
    expect(setUp.length).toBe(2);
    expect(h.standIn.contextVerdict(setUp[1]?.id ?? 0)).toMatchObject({
      priorTurns: ['My name is Grace.', 'What is my name?'],
      delivery: 'once',
    });
    expect(h.transcript.slice(before).filter((t) => t === 'user: What is my name?')).toHaveLength(
      1,
    );
    expect(h.transcript).not.toContain('assistant: Cut off.');
    expect(h.closed).toBeUndefined();
  });
});
