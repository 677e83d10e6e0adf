import { waitUntilTimeout } from '@livekit/agents';
import type { LocalParticipant } from '@livekit/rtc-node';
import { END_ATTRIBUTE, type EndReason } from '@voice-agent/protocol';

/** Re-exported for the agent's users: the attribute and its values are the protocol's. */
export { END_ATTRIBUTE, type EndReason };

/** How long setting the attribute may take: the server answers it, or it is skipped. */
const ATTRIBUTE_WAIT_MS = 1_500;

/** Tells the visitor's page why the call ends, waiting at most {@link ATTRIBUTE_WAIT_MS}. */
export async function announceEnd(participant: LocalParticipant, reason: EndReason): Promise<void> {
  const setting = participant.setAttributes({ [END_ATTRIBUTE]: reason });
  await waitUntilTimeout(setting, ATTRIBUTE_WAIT_MS).catch(() => undefined);
}
