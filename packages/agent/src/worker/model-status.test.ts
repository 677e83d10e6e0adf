import { initializeLogger } from '@livekit/agents';
import type { LocalParticipant } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { MODEL_STATUS_ATTRIBUTE, ModelStatusAttribute } from './model-status.js';

initializeLogger({ pretty: false, level: 'fatal' });

/** rtc-node's `setAttributes`, recording what was sent; `hang` statuses are never confirmed. */
function participant(hang: string[] = []) {
  const sent: string[] = [];
  const setAttributes: LocalParticipant['setAttributes'] = (attributes) => {
    const status = attributes[MODEL_STATUS_ATTRIBUTE] ?? '';
    sent.push(status);
    return hang.includes(status) ? new Promise<void>(() => undefined) : Promise.resolve();
  };
  return { sent, setAttributes };
}

describe('ModelStatusAttribute', () => {
  it('publishes each new status once, in order', async () => {
    const local = participant();
    const status = new ModelStatusAttribute(local);
    for (const s of ['connected', 'connected', 'reconnecting', 'connected'] as const) {
      status.publish(s);
    }
    await status.settled();
    expect(local.sent).toEqual(['connected', 'reconnecting', 'connected']);
  });

  it('publishes the next status when one is never confirmed', async () => {
    const local = participant(['reconnecting']);
    const status = new ModelStatusAttribute(local, 50);
    status.publish('reconnecting');
    status.publish('connected');
    await status.settled();
    expect(local.sent).toEqual(['reconnecting', 'connected']);
  });

  it('goes on after a status that could not be published', async () => {
    const sent: string[] = [];
    const status = new ModelStatusAttribute({
      setAttributes: async (attributes) => {
        sent.push(attributes[MODEL_STATUS_ATTRIBUTE] ?? '');
        if (sent.length === 1) throw new Error('engine closed');
      },
    });
    status.publish('reconnecting');
    status.publish('failed');
    await status.settled();
    expect(sent).toEqual(['reconnecting', 'failed']);
  });
});
