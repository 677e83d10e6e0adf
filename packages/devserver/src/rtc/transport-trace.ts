import type { RTCPeerConnection } from 'werift';
import { trace } from '../server/log.js';

/** Traces a peer connection's ICE and connection states (`NODE_DEBUG=voice-agent-devserver`). */
export function traceTransport(pc: RTCPeerConnection, who: () => string): void {
  if (!trace.enabled) return;
  pc.iceConnectionStateChange.subscribe((state) => trace('%s: ice %s', who(), state));
  pc.connectionStateChange.subscribe((state) => trace('%s: connection %s', who(), state));
}
