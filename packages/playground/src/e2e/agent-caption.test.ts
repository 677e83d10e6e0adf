import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { agentSays } from './agent-caption.js';
import type { RecordedEvent } from './page-recorder.js';

/** A page whose recorded widget events are `events` (what `recordInPage` keeps). */
function pageWith(events: RecordedEvent[]): Page {
  return { evaluate: async () => events } as unknown as Page;
}

const caption = (text: string, final: boolean): RecordedEvent => ({
  type: 'voice-agent-transcript',
  detail: { role: 'agent', text, final },
});

describe('agentSays', () => {
  it('gives the agent caption that says it, from the given event on', async () => {
    const page = pageWith([
      caption('Your order ORD-1 is late.', true),
      caption('Your order', false),
      caption('Your order ORD-2 arrives Thursday.', true),
    ]);
    await expect(agentSays(page, 'Your order', 1)).resolves.toBe(
      'Your order ORD-2 arrives Thursday.',
    );
    await expect(agentSays(page, 'Your order', 1, false)).resolves.toBe('Your order');
  });

  it('fails at once, saying why, when the call ended before the agent said it', async () => {
    const page = pageWith([
      caption('Hello there', true),
      { type: 'voice-agent-error', detail: { code: 'agent_unavailable', message: 'left' } },
      { type: 'voice-agent-ended', detail: { reason: 'error' } },
    ]);
    await expect(agentSays(page, 'Your order', 0)).rejects.toThrow(
      'the call ended (error: agent_unavailable left) before the agent said "Your order"',
    );
  });
});
