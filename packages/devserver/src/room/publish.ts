import {
  type AddTrackRequest,
  RequestResponse,
  RequestResponse_Reason,
  TrackInfo,
  TrackType,
} from '@livekit/protocol';
import { newId } from './ids.js';
import type { Participant } from './participant.js';

/**
 * The TrackInfo for an AddTrackRequest, or undefined when it is refused (the client is told
 * why): audio only, and only with a grant that allows publishing.
 */
export function acceptedTrack(
  participant: Participant,
  request: AddTrackRequest,
): TrackInfo | undefined {
  const refuse = (reason: RequestResponse_Reason, message: string) =>
    participant.send({
      case: 'requestResponse',
      value: new RequestResponse({
        reason,
        message,
        request: { case: 'addTrack', value: request },
      }),
    });
  if (!participant.grant.canPublish) {
    refuse(RequestResponse_Reason.NOT_ALLOWED, 'token does not grant canPublish');
    return undefined;
  }
  if (request.type !== TrackType.AUDIO) {
    refuse(RequestResponse_Reason.UNSUPPORTED_TYPE, 'this development server forwards audio only');
    return undefined;
  }
  return new TrackInfo({
    sid: newId('TR_'),
    type: TrackType.AUDIO,
    name: request.name,
    source: request.source,
    muted: request.muted,
    mimeType: 'audio/opus',
    disableDtx: request.disableDtx,
    stereo: request.stereo,
    disableRed: request.disableRed,
    stream: request.stream,
    audioFeatures: request.audioFeatures,
    encryption: request.encryption,
  });
}

/**
 * Runs `activate` once the participant's peer connection is up (at once if it is). LiveKit
 * makes a participant ACTIVE then; livekit-client sends its pre-connect audio only to an
 * ACTIVE agent.
 */
export function whenConnected(participant: Participant, activate: () => void): void {
  const { pc } = participant.peer;
  if (pc.connectionState === 'connected') {
    activate();
    return;
  }
  const { unSubscribe } = pc.connectionStateChange.subscribe((state) => {
    if (state !== 'connected' && state !== 'closed') return;
    unSubscribe();
    if (state === 'connected') activate();
  });
}
