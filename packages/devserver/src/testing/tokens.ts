import { RoomAgentDispatch, RoomConfiguration } from '@livekit/protocol';
import { AccessToken, type VideoGrant } from 'livekit-server-sdk';

export interface TestTokenOptions {
  identity: string;
  room?: string;
  grant?: Partial<VideoGrant>;
  keys?: [string, string];
  ttl?: number | string;
  agentName?: string;
}

/** Mints a participant token with livekit-server-sdk, as a token service would. */
export function mintToken(options: TestTokenOptions): Promise<string> {
  const [key, secret] = options.keys ?? ['devkey', 'secret'];
  const token = new AccessToken(key, secret, {
    identity: options.identity,
    ttl: options.ttl ?? '10m',
  });
  token.addGrant({
    roomJoin: true,
    room: options.room ?? 'test-room',
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: true,
    ...options.grant,
  });
  if (options.agentName) {
    token.roomConfig = new RoomConfiguration({
      agents: [new RoomAgentDispatch({ agentName: options.agentName })],
    });
  }
  return token.toJwt();
}
