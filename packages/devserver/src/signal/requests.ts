import {
  DisconnectReason,
  Pong,
  type SessionDescription,
  type SignalRequest,
  type SignalResponse,
  SignalTarget,
} from '@livekit/protocol';
import type { Participant } from '../room/participant.js';
import type { Room } from '../room/room.js';
import { trace } from '../server/log.js';
import { updateOwnMetadata } from './metadata.js';

/** What a request needs of the connection it came on. */
export interface SignalClient {
  readonly participant: Participant;
  readonly room: Room;
  send(message: SignalResponse['message']): void;
  answer(offer: SessionDescription): Promise<void>;
  close(): void;
}

/** Runs one signalling request of a joined client. */
export async function handleRequest(
  client: SignalClient,
  { message }: SignalRequest,
): Promise<void> {
  const { participant, room } = client;
  trace('%s -> %s', participant.identity, message.case);
  switch (message.case) {
    case 'offer':
      await client.answer(message.value);
      break;
    case 'answer':
      if (participant.dualPeerConnection) {
        await participant.subscriberPeer().answer(message.value.sdp, message.value.id);
      }
      break;
    case 'trickle': {
      const candidate = JSON.parse(message.value.candidateInit);
      if (message.value.target === SignalTarget.SUBSCRIBER && participant.dualPeerConnection) {
        await participant.subscriberPeer().addCandidate(candidate);
      } else {
        await participant.peer.addCandidate(candidate);
      }
      break;
    }
    case 'addTrack':
      room.addTrack(participant, message.value);
      break;
    case 'mute':
      room.updateTrack(participant, message.value.sid, (info) => {
        info.muted = message.value.muted;
      });
      break;
    case 'updateAudioTrack':
      room.updateTrack(participant, message.value.trackSid, (info) => {
        info.audioFeatures = message.value.features;
      });
      break;
    case 'updateMetadata':
      client.send({
        case: 'requestResponse',
        value: updateOwnMetadata(participant, room, message.value),
      });
      break;
    case 'subscription':
      room.updateSubscription(participant, message.value.trackSids, message.value.subscribe);
      break;
    case 'leave':
      await room.remove(participant, DisconnectReason.CLIENT_INITIATED);
      client.close();
      break;
    case 'ping':
      client.send({ case: 'pong', value: BigInt(Date.now()) });
      break;
    case 'pingReq':
      client.send({
        case: 'pongResp',
        value: new Pong({
          lastPingTimestamp: message.value.timestamp,
          timestamp: BigInt(Date.now()),
        }),
      });
      break;
    default:
      break;
  }
}
