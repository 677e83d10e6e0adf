import { Room } from 'livekit-client';
import type { ConnectionDetails } from '../token/token.js';
import { connectionError, microphoneError } from './call-errors.js';
import { reconnectWithoutFixedWait } from './peer-reconnect.js';

/**
 * Delays between livekit-client's reconnect attempts (resume first, then a full rejoin): the
 * first at once, then at most a second apart, so that a network that comes back is used
 * within a second (the resume bench: the old 2.7 s and 4.8 s gaps added up to them).
 */
const RECONNECT_DELAYS_MS = [0, 300, 600];
const RECONNECT_EVERY_MS = 1_000;
/**
 * How long the call keeps trying after its connection dropped: as long as the agent waits
 * for the visitor (its default grace period), so a network gone for up to ~20 s comes back to
 * the same conversation. Then the call fails with `connection_lost` and a retry button.
 */
export const RECONNECT_WINDOW_MS = 30_000;

/**
 * The call's LiveKit room, not connected yet (handlers are registered on it first).
 * @param audioContext created in the visitor's click, so playback is unlocked (iOS Safari).
 * @param options.persist the call outlives the page: leaving it is a dropped connection the
 *   agent waits for, not a hang-up (livekit-client otherwise leaves the room on `pagehide`).
 */
export function createRoom(
  audioContext: AudioContext | undefined,
  options: { persist: boolean },
): Room {
  const room = new Room({
    disconnectOnPageLeave: !options.persist,
    audioCaptureDefaults: {
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    },
    webAudioMix: audioContext ? { audioContext } : false,
    // Records the microphone from the click until the agent subscribes, and sends it to the
    // agent (docs/protocol.md). livekit-client 2.23 reads this flag from the publish
    // defaults, not from setMicrophoneEnabled's publish options.
    publishDefaults: { preConnectBuffer: true },
    reconnectPolicy: { nextRetryDelayInMs: reconnectDelay },
  });
  reconnectWithoutFixedWait(room);
  return room;
}

/**
 * The wait before reconnect attempt `retryCount` (0 first), `elapsedMs` after the connection
 * dropped; `null` once the window is over (livekit-client then gives up: `connection_lost`).
 */
export function reconnectDelay({
  retryCount,
  elapsedMs,
}: {
  retryCount: number;
  elapsedMs: number;
}): number | null {
  if (elapsedMs >= RECONNECT_WINDOW_MS) return null;
  return RECONNECT_DELAYS_MS[retryCount] ?? RECONNECT_EVERY_MS;
}

/**
 * Opens the microphone (unless muted) and connects, at the same time; rejects with a coded
 * error (`microphone_*` or `connection_failed`).
 */
export async function joinRoom(
  room: Room,
  details: ConnectionDetails,
  options: { muted: boolean },
): Promise<void> {
  const microphone = options.muted
    ? Promise.resolve()
    : room.localParticipant
        // The pre-connect buffer (publishDefaults) keeps what the visitor says before the
        // agent is there.
        .setMicrophoneEnabled(true, undefined, { preConnectBuffer: true })
        .then(
          () => undefined,
          (cause: unknown) => Promise.reject(microphoneError(cause)),
        );
  await Promise.all([
    microphone,
    room.connect(details.serverUrl, details.participantToken).catch((cause: unknown) => {
      throw connectionError(cause);
    }),
  ]);
}
