import {
  DisconnectReason,
  ParticipantUpdate,
  ReconnectResponse,
  type SignalResponse,
} from '@livekit/protocol';
import type { Participant } from '../room/participant.js';
import type { Room } from '../room/room.js';
import { trace } from '../server/log.js';
import { serverInfo } from './server-info.js';

/** How long a participant whose signal connection dropped is kept for a resume, as on LiveKit. */
export const DEFAULT_DEPARTURE_TIMEOUT_S = 20;

/**
 * A participant whose signal socket dropped (no leave) stays in the room, its peer connections
 * and tracks included, for `seconds`; then, unless a resume took it over (`resumed()`), it
 * leaves with SIGNAL_CLOSE.
 */
export function keepForResume(
  participant: Participant,
  room: Room,
  seconds = DEFAULT_DEPARTURE_TIMEOUT_S,
  stillDropped: () => boolean,
): void {
  trace('%s: signal dropped, kept %d s for a resume', participant.identity, seconds);
  clearTimeout(participant.departure);
  participant.departure = setTimeout(() => {
    participant.departure = undefined;
    if (!stillDropped()) return;
    trace('%s: not resumed within %d s, leaving', participant.identity, seconds);
    void room.remove(participant, DisconnectReason.SIGNAL_CLOSE);
  }, seconds * 1000);
  participant.departure.unref();
}

/**
 * What a resumed client gets first: the ReconnectResponse (livekit-client waits for it, then
 * restarts ICE), and the room's participants as they are now, whose updates it may have missed.
 */
export function resumeResponses(room: Room, participant: Participant): SignalResponse['message'][] {
  const visible = [...room.participants.values()].filter(
    (p) => p === participant || !p.grant.hidden,
  );
  return [
    {
      case: 'reconnect',
      value: new ReconnectResponse({ iceServers: [], serverInfo: serverInfo() }),
    },
    {
      case: 'update',
      value: new ParticipantUpdate({ participants: visible.map((p) => p.info()) }),
    },
  ];
}
