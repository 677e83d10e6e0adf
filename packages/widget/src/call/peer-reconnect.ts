import { ConnectionError, type Room } from 'livekit-client';

/** What this fix touches of livekit-client 2.23's `RTCEngine` (internal, so checked first). */
export interface EngineInternals {
  pcState: number;
  peerConnectionTimeout: number;
  pcManager?: { ensurePCTransportConnection(abort: undefined, timeoutMs: number): Promise<void> };
  waitForPCReconnected?: () => Promise<void>;
}

/** livekit-client 2.23's `PCState` values (the enum is not exported). */
export const PC_STATE = { connected: 1, disconnected: 2, reconnecting: 3 } as const;

/**
 * Reports the room reconnected as soon as its peer connections are, not 2 s later.
 *
 * After its signal connection came back (resume or full rejoin), livekit-client 2.23 sleeps a
 * fixed 2 s (`waitForPCReconnected`, `minReconnectWait`, marked FIXME upstream) before it even
 * checks the peer connections: that sleep was most of the time from a network coming back to
 * the conversation going on (`npm run bench resume`). The check it then makes already waits
 * for connections the drop broke, until their ICE restart is through; connections that never
 * noticed the drop carry on as they are. So the same check without the sleep, with the same
 * states and errors. A livekit-client whose engine lacks this shape is left as it is.
 */
export function reconnectWithoutFixedWait(room: Room): void {
  const engine = room.engine as unknown as EngineInternals;
  if (typeof engine.waitForPCReconnected !== 'function' || typeof engine.pcState !== 'number') {
    return;
  }
  engine.waitForPCReconnected = async () => {
    engine.pcState = PC_STATE.reconnecting;
    try {
      if (!engine.pcManager) throw new Error('PC manager is closed');
      await engine.pcManager.ensurePCTransportConnection(undefined, engine.peerConnectionTimeout);
      engine.pcState = PC_STATE.connected;
    } catch (cause) {
      engine.pcState = PC_STATE.disconnected;
      const message = cause instanceof Error ? cause.message : String(cause);
      throw ConnectionError.internal(`could not establish PC connection, ${message}`);
    }
  };
}
