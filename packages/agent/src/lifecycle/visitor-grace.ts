import { DisconnectReason, type RemoteParticipant, type Room, RoomEvent } from '@livekit/rtc-node';

export interface VisitorGrace {
  /** The visitor left the room (not a hang-up) and has not come back yet. */
  readonly away: boolean;
  stop(): void;
}

/**
 * Gives a visitor whose connection dropped `graceMs` to come back (a resumed or a full
 * rejoin with the same identity) before `end` ends the session. @livekit/agents 1.9's RoomIO
 * closes the session itself only for a hang-up (CLIENT_INITIATED, with `closeOnDisconnect`)
 * and otherwise keeps it open with no visitor for as long as the room lives; this ends it
 * after the grace period instead, and calls it off when the visitor returns.
 */
export function awaitVisitorReturn(
  room: Room,
  identity: string,
  graceMs: number,
  end: () => void,
): VisitorGrace {
  let timer: NodeJS.Timeout | undefined;
  const left = (participant: RemoteParticipant) => {
    if (participant.identity !== identity) return;
    // A hang-up ends the session at once (RoomIO's closeOnDisconnect).
    if (participant.disconnectReason === DisconnectReason.CLIENT_INITIATED) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      end();
    }, graceMs);
  };
  const back = (participant: RemoteParticipant) => {
    if (participant.identity !== identity) return;
    clearTimeout(timer);
    timer = undefined;
  };
  room.on(RoomEvent.ParticipantDisconnected, left).on(RoomEvent.ParticipantConnected, back);
  return {
    get away() {
      return timer !== undefined;
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
      room.off(RoomEvent.ParticipantDisconnected, left).off(RoomEvent.ParticipantConnected, back);
    },
  };
}
