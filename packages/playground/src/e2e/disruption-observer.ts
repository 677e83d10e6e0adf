import type { GeminiLiveStandIn } from '@voice-agent/agent/testing';
import { waitFor } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import { agentAudioPeak, eventsIn, resetAgentAudioPeak, stateSequence } from './page-recorder.js';

/** The final captions of one role the page has shown, in order. */
export async function finalCaptions(page: Page, role: 'agent' | 'user'): Promise<string[]> {
  return (await eventsIn(page, 'voice-agent-transcript'))
    .filter((e) => e.detail.role === role && e.detail.final === true)
    .map((e) => String(e.detail.text));
}

/** Starts a call from the widget's button and waits for the agent's greeting. */
export async function startCall(page: Page, greeting: string): Promise<void> {
  await page.locator('voice-agent').getByRole('button', { name: 'Talk to our assistant' }).click();
  await waitFor(
    async () =>
      (await finalCaptions(page, 'agent')).some((t) => t.includes(greeting)) ? true : undefined,
    {
      what: 'the greeting',
      timeoutMs: 45_000,
      intervalMs: 100,
    },
  );
}

/**
 * Types `text` in the widget and waits until the visitor has both seen (a final caption
 * containing `answer`) and heard (agent audio in the page) the answer.
 */
export async function typedTurn(page: Page, text: string, answer: string): Promise<void> {
  const before = (await finalCaptions(page, 'agent')).length;
  await resetAgentAudioPeak(page);
  await page.evaluate((t) => document.querySelector('voice-agent')?.sendText(t), text);
  await waitFor(
    async () =>
      (await finalCaptions(page, 'agent')).slice(before).some((t) => t.includes(answer))
        ? true
        : undefined,
    { what: `the answer "${answer}"`, timeoutMs: 45_000, intervalMs: 100 },
  );
  await waitFor(async () => ((await agentAudioPeak(page)) > 0.02 ? true : undefined), {
    what: `the answer "${answer}" heard`,
    timeoutMs: 15_000,
    intervalMs: 100,
  });
}

/** Waits for a connection newer than `after` that is set up and open; returns its id. */
export async function nextConnection(standIn: GeminiLiveStandIn, after: number): Promise<number> {
  const found = await waitFor(
    () => standIn.connections.find((c) => c.id > after && c.setUp && !c.ended),
    { what: `a Gemini connection after #${after}`, timeoutMs: 45_000, intervalMs: 100 },
  );
  return found.id;
}

/** The newest connection's id (0 if none). */
export function newestConnection(standIn: GeminiLiveStandIn): number {
  return standIn.connections.at(-1)?.id ?? 0;
}

/** States the widget went through that a visitor would read as the call being over. */
export async function falseEnds(page: Page): Promise<string[]> {
  const states = (await stateSequence(page)).filter((s) => s === 'ended' || s === 'error');
  const errors = (await eventsIn(page, 'voice-agent-error')).map((e) => `error ${e.detail.code}`);
  return [...states, ...errors];
}

/**
 * The verdict of every connection set up after `from` that had a conversation before it:
 * each must have been given it exactly once.
 */
export function contextDeliveries(standIn: GeminiLiveStandIn, from: number) {
  return standIn.connections
    .filter((c) => c.id > from && c.setUp)
    .map((c) => standIn.contextVerdict(c.id))
    .filter((verdict) => verdict.delivery !== 'no-prior')
    .map(({ connection, handle, delivery, priorTurns }) => ({
      connection,
      handle,
      delivery,
      priorTurns,
    }));
}

/** Texts that appear more than once in `list`. */
export function repeated(list: string[]): string[] {
  return list.filter((text, i) => list.indexOf(text) !== i);
}
