import { VISITOR_AWAY_METHOD } from '@voice-agent/protocol';
import type { Room } from 'livekit-client';

/** Leaves still under way of calls that a later element on the page rejoins. */
const departures = new Set<Promise<void>>();

/** How long the agent has to take note before the leave goes anyway (livekit-client's floor). */
const ANNOUNCE_TIMEOUT_MS = 8_000;

/**
 * Leaves a call that the page's next `persist` element rejoins (a single-page app that
 * remounts the widget): it tells the agent first that the visitor steps away, so the agent
 * waits its reconnect grace period as after a reload. livekit-client's leave always reads as
 * a hang-up, which ends the session at once. An agent that does not know the method (or has
 * gone) fails the call quickly: the leave then ends the call as a hang-up would.
 */
export function stepAway(room: Room, agentIdentity: string | undefined): void {
  const leaving = (async () => {
    if (agentIdentity) {
      await room.localParticipant
        .performRpc({
          destinationIdentity: agentIdentity,
          method: VISITOR_AWAY_METHOD,
          payload: '',
          responseTimeout: ANNOUNCE_TIMEOUT_MS,
        })
        .catch(() => undefined);
    }
    await room.disconnect();
  })();
  departures.add(leaving);
  void leaving.finally(() => departures.delete(leaving));
}

/**
 * Resolves once the page's earlier elements have left the call that this one rejoins, so the
 * agent has their step away before the rejoin.
 */
export async function departed(): Promise<void> {
  await Promise.all(departures);
}
