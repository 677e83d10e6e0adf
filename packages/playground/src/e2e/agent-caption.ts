import { waitFor } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import { eventsIn } from './page-recorder.js';

/** How long the agent may take to say it: a turn on a loaded machine, reconnects included. */
const SAY_LIMIT_MS = 60_000;

/**
 * The text of the agent's first caption that contains `text` (final, unless `final` is false)
 * among the widget's events from index `from` on. Fails at once when the call ends first
 * (`voice-agent-ended`, with the error the widget showed, if any): the caption cannot come
 * any more, and waiting out the limit would only hide why.
 */
export async function agentSays(
  page: Page,
  text: string,
  from: number,
  final = true,
): Promise<string> {
  const event = await waitFor(
    async () => {
      const events = (await eventsIn(page)).slice(from);
      const caption = events.find(
        (e) =>
          e.type === 'voice-agent-transcript' &&
          e.detail.role === 'agent' &&
          (e.detail.final || !final) &&
          String(e.detail.text).includes(text),
      );
      if (caption) return caption;
      const ended = events.find((e) => e.type === 'voice-agent-ended');
      if (!ended) return undefined;
      const error = events.findLast((e) => e.type === 'voice-agent-error')?.detail;
      throw new Error(
        `the call ended (${String(ended.detail.reason)}${error ? `: ${error.code} ${error.message}` : ''}) before the agent said "${text}"`,
      );
    },
    { timeoutMs: SAY_LIMIT_MS, intervalMs: 100, what: `the agent saying "${text}"` },
  );
  return String(event.detail.text);
}
