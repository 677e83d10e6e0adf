import type { ServerEvent } from '../testing/index.js';
import { eventually, type Harness } from '../worker/harness.test-helper.js';

/** The stand-in answers "Your name is …" from what it was told (the context check). */
export const NAME = {
  pattern: /my name is (\w+)/i,
  answer: 'Your name is $1.',
  otherwise: 'I do not know your name.',
};

/** The visitor types `text`; resolves when the agent's answer is in the conversation. */
export async function say(h: Harness, text: string, answer: string): Promise<void> {
  const before = h.transcript.length;
  h.session.generateReply({ userInput: text });
  await eventually(
    () => h.transcript.slice(before).includes(`assistant: ${answer}`),
    `the answer "${answer}" to "${text}"`,
  );
}

/** The last connection that completed setup. */
export function latest(h: Harness): number {
  return h.standIn.connections.filter((c) => c.setUp).at(-1)?.id ?? 0;
}

/** A reaction that answers the next client turn once with `events`. */
export const oneTurn = (events: ServerEvent[]) => ({
  on: 'clientTurn' as const,
  reply: events,
  times: 1,
});
