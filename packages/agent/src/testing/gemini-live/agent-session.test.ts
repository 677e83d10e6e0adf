import { afterEach, expect, it } from 'vitest';
import { eventually, type Harness, startHarness } from '../../worker/harness.test-helper.js';
import type { ContextTurn } from './context.js';
import { recallingTurn, spokenTurn } from './events.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** The visitor's latest typed turn the connection holds (the plugin's `.` placeholder aside). */
function latestTyped(context: ContextTurn[]): string {
  const typed = context.filter(
    (t) => t.role === 'user' && t.source !== 'restored' && !['', '.'].includes(t.text.trim()),
  );
  return typed.at(-1)?.text ?? '';
}

// The stand-in's verdict with the real framework, Google plugin and our session: the
// visitor's name from the first turn is known after a goAway, a 1011 and a refused handle,
// and each new connection was given the conversation exactly once.
it('gives each new connection the conversation once, through goAway, 1011 and a refused handle', async () => {
  harness = await startHarness({});
  const { standIn } = harness;
  await standIn.waitForTools([]);
  standIn.react({
    on: 'clientTurn',
    reply: (_r, context) => {
      const text = latestTyped(context);
      if (/my name is/i.test(text)) return spokenTurn('Nice to meet you.');
      return recallingTurn({
        pattern: /my name is (\w+)/i,
        answer: 'Your name is $1.',
        otherwise: 'I do not know.',
      });
    },
  });
  const ask = async (text: string, answer: string) => {
    const n = harness?.transcript.filter((t) => t.includes(answer)).length ?? 0;
    harness?.session.generateReply({ userInput: text });
    await eventually(
      () => (harness?.transcript.filter((t) => t.includes(answer)).length ?? 0) > n,
      answer,
    );
  };
  await ask('My name is Grace.', 'Nice to meet you.');
  await standIn.play([{ type: 'goAway', timeLeft: '2s' }]);
  await eventually(() => standIn.connections.some((c) => c.id > 1 && c.setUp), 'new conn');
  await ask('What is my name?', 'Your name is Grace.');
  await standIn.play([{ type: 'close', code: 1011, reason: 'Internal error encountered.' }]);
  const n = standIn.connectionCount;
  await eventually(() => standIn.connections.some((c) => c.id > n && c.setUp), 'after 1011');
  await ask('Who am I? what is my name', 'Your name is Grace.');
  standIn.expireHandles();
  await standIn.play([{ type: 'goAway', timeLeft: '2s' }]);
  const m = standIn.connectionCount;
  await eventually(() => standIn.connections.some((c) => c.id > m && c.setUp), 'after refused');
  await ask('what is my name again', 'Your name is Grace.');
  expect(standIn.connections.map((c) => c.handle)).toContain('refused');
  const verdicts = standIn.connections
    .filter((c) => c.setUp)
    .map((c) => standIn.contextVerdict(c.id))
    .filter((v) => v.delivery !== 'no-prior');
  expect(verdicts.length).toBeGreaterThanOrEqual(3);
  expect(verdicts.map((v) => v.delivery)).toEqual(verdicts.map(() => 'once'));
  expect(harness.transcript.filter((t) => t === 'assistant: Your name is Grace.')).toHaveLength(3);
  expect(harness.closed).toBeUndefined();
});
