import { llm } from '@livekit/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toolTurnWithSpeech } from '../testing/index.js';
import { eventually, type Harness, startHarness } from '../worker/harness.test-helper.js';

// Real Gemini sends `toolCall` in the middle of a turn and goes on speaking after it. The
// Google plugin ended the answer at the call, so the audio after it began a new answer and
// the framework interrupted the first one, tool and all: the tool was aborted.

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

function countingTool(name: string, runs: string[]) {
  return llm.tool({
    name,
    description: `The ${name} of a city`,
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      runs.push(`${name}:${city}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { city, [name]: name === 'time' ? '12:34' : 'sunny' };
    },
  });
}

describe('tool calls in the middle of a spoken turn', () => {
  it('runs each call once, keeps speaking, and gives the model every real result', async () => {
    const runs: string[] = [];
    harness = await startHarness({
      tools: { server: [countingTool('time', runs), countingTool('weather', runs)] },
    });
    const { standIn } = harness;
    await standIn.waitForTools(['time', 'weather']);
    await standIn.play(
      toolTurnWithSpeech({
        preamble: 'Let me check both.',
        toolCalls: [
          [{ id: 't1', name: 'time', args: { city: 'Oslo' } }],
          [{ id: 'w1', name: 'weather', args: { city: 'Oslo' } }],
        ],
        trailing: 'One moment please.',
      }),
    );
    await eventually(
      () => standIn.toolCalls.every((call) => call.answers.length > 0),
      'answers to both calls',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(runs.sort()).toEqual(['time:Oslo', 'weather:Oslo']);
    const answers = Object.fromEntries(standIn.toolCalls.map((call) => [call.id, call.answers]));
    expect(answers.t1).toHaveLength(1);
    expect(answers.w1).toHaveLength(1);
    expect(JSON.parse(String(answers.t1?.[0]?.output))).toEqual({ city: 'Oslo', time: '12:34' });
    expect(JSON.parse(String(answers.w1?.[0]?.output))).toEqual({ city: 'Oslo', weather: 'sunny' });
    const spoken = harness.session.history.items.filter(
      (item) => item.type === 'message' && item.role === 'assistant',
    ) as llm.ChatMessage[];
    expect(spoken.map((m) => [m.textContent, m.interrupted])).toEqual([
      ['Let me check both.One moment please.', false],
    ]);
  });
});
