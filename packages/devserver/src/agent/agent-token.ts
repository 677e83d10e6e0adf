import type { AvailabilityResponse, Job } from '@livekit/protocol';
import { AccessToken } from 'livekit-server-sdk';
import type { Room } from '../room/room.js';

/** The token a worker's job joins its room with, as LiveKit mints it for an accepted job. */
export function agentToken(
  apiKey: string,
  apiSecret: string,
  { job, room }: { job: Job; room: Room },
  answer: AvailabilityResponse,
): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret, {
    identity: answer.participantIdentity || `agent-${job.id}`,
    name: answer.participantName || undefined,
    metadata: answer.participantMetadata || undefined,
    attributes: answer.participantAttributes,
    ttl: '6h',
  });
  token.kind = 'agent';
  token.addGrant({
    roomJoin: true,
    room: room.name,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: true,
    agent: true,
  });
  return token.toJwt();
}
