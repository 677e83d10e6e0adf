import { llm } from '@livekit/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { spokenTurn } from '../testing/index.js';
import { eventually, type Harness, startHarness } from '../worker/harness.test-helper.js';

// A connection lost (1011) while a tool runs: the result is sent on the new connection, once,
// and the model answers from it once. The real framework, plugin and SDK against the stand-in.

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('a tool result finished while Gemini reconnects', () => {
  it('runs the tool once and its result reaches the model on the new connection', async () => {
    const runs: string[] = [];
    const slow = llm.tool({
      name: 'weather',
      description: 'The weather of a city',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        runs.push(city);
        await new Promise((resolve) => setTimeout(resolve, 800));
        return 'sunny';
      },
    });
    harness = await startHarness(
      { tools: { server: [slow] } },
      {},
      {
        reactions: [
          { on: 'toolResponse', reply: spokenTurn('It is sunny.') },
          // Asked to answer again while its tool still runs, the model would answer twice.
          { on: 'clientTurn', reply: spokenTurn('Asked again.') },
        ],
      },
      { backoffMs: () => 100 },
    );
    const h = harness;
    await h.standIn.waitForTools(['weather']);
    await h.standIn.play([
      { type: 'toolCall', calls: [{ id: 'w1', name: 'weather', args: { city: 'Oslo' } }] },
      { type: 'close', code: 1011, reason: 'Internal error encountered.' },
    ]);
    await eventually(
      () => h.transcript.includes('assistant: It is sunny.'),
      'the answer from the tool result',
    );
    // Time for a second answer, if one were asked for.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(runs).toEqual(['Oslo']);
    const [call] = h.standIn.toolCalls;
    expect(call?.answers.map((a) => [a.connection, a.output])).toEqual([
      [(call?.connection ?? 0) + 1, '"sunny"'],
    ]);
    expect(h.transcript.filter((t) => t.startsWith('assistant:'))).toEqual([
      'assistant: It is sunny.',
    ]);
    expect(h.statuses.map((s) => s.status)).toEqual(['connected', 'reconnecting', 'connected']);
  });
});
