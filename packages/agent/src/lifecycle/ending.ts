import { waitUntilTimeout } from '@livekit/agents';
import type { LocalParticipant } from '@livekit/rtc-node';

/**
 * Participant attribute the agent sets just before it ends a call on its own, so the widget
 * can tell the visitor why (docs/deployment.md). Values: {@link EndReason}.
 */
export const END_ATTRIBUTE = 'voice-agent.end';

/**
 * - `worker-lost`: the worker process running this call is gone (crashed or killed); the
 *   call's job process ends it instead of running on as an orphan.
 * - `drain-limit`: the worker is shutting down and the call reached the drain limit; the
 *   agent said goodbye first.
 */
export type EndReason = 'worker-lost' | 'drain-limit';

/** How long setting the attribute may take: the server answers it, or it is skipped. */
const ATTRIBUTE_WAIT_MS = 1_500;

/** Tells the visitor's page why the call ends, waiting at most {@link ATTRIBUTE_WAIT_MS}. */
export async function announceEnd(participant: LocalParticipant, reason: EndReason): Promise<void> {
  const setting = participant.setAttributes({ [END_ATTRIBUTE]: reason });
  await waitUntilTimeout(setting, ATTRIBUTE_WAIT_MS).catch(() => undefined);
}
