import { AccessToken, RoomAgentDispatch, RoomConfiguration, TrackSource } from 'livekit-server-sdk';

/** Everything that goes into one participant token. */
export interface ParticipantTokenInput {
  apiKey: string;
  apiSecret: string;
  ttlSeconds: number;
  roomName: string;
  identity: string;
  name?: string | undefined;
  metadata?: string | undefined;
  attributes?: Record<string, string> | undefined;
  /** Written into the token's room configuration so LiveKit dispatches this agent. */
  agentName: string;
  agentMetadata?: string | undefined;
}

/**
 * Signs a least-privilege join token: one room, microphone-only publishing, subscribing and
 * data; no admin, create, list, record or ingress grant, and no updating its own name,
 * metadata or attributes.
 */
export function mintParticipantToken(input: ParticipantTokenInput): Promise<string> {
  const token = new AccessToken(input.apiKey, input.apiSecret, {
    identity: input.identity,
    ttl: input.ttlSeconds,
    name: input.name,
    metadata: input.metadata,
    attributes: input.attributes,
  });
  token.addGrant({
    room: input.roomName,
    roomJoin: true,
    canPublish: true,
    canPublishSources: [TrackSource.MICROPHONE],
    canSubscribe: true,
    canPublishData: true,
    // LiveKit's default too, written out because the agent trusts what the server put in the
    // token: the visitor must not rewrite their own name, metadata or attributes.
    canUpdateOwnMetadata: false,
  });
  token.roomConfig = new RoomConfiguration({
    agents: [
      new RoomAgentDispatch({ agentName: input.agentName, metadata: input.agentMetadata ?? '' }),
    ],
  });
  return token.toJwt();
}

/** A fresh unguessable room name, so each session gets its own room. */
export function randomRoomName(): string {
  return `voice-${crypto.randomUUID()}`;
}

/** A fresh unguessable participant identity. */
export function randomIdentity(): string {
  return `visitor-${crypto.randomUUID()}`;
}
