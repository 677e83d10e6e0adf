import { ServerInfo, ServerInfo_Edition } from '@livekit/protocol';

/** The LiveKit server version this server answers as (clients need >= 1.8.0 for RPC). */
export const SERVER_VERSION = '1.9.0';

export function serverInfo(): ServerInfo {
  return new ServerInfo({
    edition: ServerInfo_Edition.Standard,
    version: SERVER_VERSION,
    protocol: 16,
    nodeId: 'voice-agent-devserver',
    region: 'local',
    agentProtocol: 1,
  });
}
