import { DisconnectReason, type RemoteParticipant, type Room, RoomEvent } from '@livekit/rtc-node';
import { VISITOR_AWAY_METHOD } from '@voice-agent/protocol';

export interface VisitorGrace {
  /** The visitor left the room (not a hang-up) and has not come back yet. */
  readonly away: boolean;
  stop(): void;
}

/** Why the session ends: the visitor hung up, or did not come back within the grace period. */
export type VisitorEnd = 'hung-up' | 'gone';

/** Leaves that end the call at once unless announced as stepping away (RoomIO's own list). */
const HANG_UP_REASONS = [
  DisconnectReason.CLIENT_INITIATED,
  DisconnectReason.ROOM_DELETED,
  DisconnectReason.USER_REJECTED,
];

/**
 * Gives a visitor who left without hanging up `graceMs` to come back (a resumed or a full
 * rejoin with the same identity) before `end` ends the session; a hang-up ends it at once.
 * Leaving without a hang-up is a dropped connection or a page that went away (no leave sent),
 * or a leave announced just before with {@link VISITOR_AWAY_METHOD}: livekit-client's leave
 * always says CLIENT_INITIATED, so a single-page app that remounts a `persist` widget says
 * so first. Replaces @livekit/agents 1.9 RoomIO's `closeOnDisconnect` (which the job turns
 * off): that ends the session at every CLIENT_INITIATED leave and otherwise keeps it open with
 * no visitor for as long as the room lives.
 */
export function awaitVisitorReturn(
  room: Room,
  identity: string,
  graceMs: number,
  end: (why: VisitorEnd) => void,
): VisitorGrace {
  let timer: NodeJS.Timeout | undefined;
  let announcedAway = false;
  const left = (participant: RemoteParticipant) => {
    if (participant.identity !== identity) return;
    const hungUp =
      !announcedAway &&
      participant.disconnectReason !== undefined &&
      HANG_UP_REASONS.includes(participant.disconnectReason);
    announcedAway = false;
    clearTimeout(timer);
    timer = undefined;
    if (hungUp) {
      end('hung-up');
      return;
    }
    timer = setTimeout(() => {
      timer = undefined;
      end('gone');
    }, graceMs);
  };
  const back = (participant: RemoteParticipant) => {
    if (participant.identity !== identity) return;
    clearTimeout(timer);
    timer = undefined;
  };
  room.localParticipant?.registerRpcMethod(VISITOR_AWAY_METHOD, async ({ callerIdentity }) => {
    if (callerIdentity === identity) announcedAway = true;
    return '';
  });
  room.on(RoomEvent.ParticipantDisconnected, left).on(RoomEvent.ParticipantConnected, back);
  return {
    get away() {
      return timer !== undefined;
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
      room.localParticipant?.unregisterRpcMethod(VISITOR_AWAY_METHOD);
      room.off(RoomEvent.ParticipantDisconnected, left).off(RoomEvent.ParticipantConnected, back);
    },
  };
}
