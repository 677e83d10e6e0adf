import { ConnectionError, Room } from 'livekit-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type EngineInternals, PC_STATE } from './peer-reconnect.js';
import { createRoom } from './room-connection.js';

// What the room does after its signal connection came back from a drop, against the pinned
// livekit-client: its engine's wait for the peer connections, with their manager replaced by
// one whose connections are back when the test says so.

type Engine = Required<Pick<EngineInternals, 'waitForPCReconnected'>> & EngineInternals;

function engineOf(room: Room): Engine {
  return room.engine as unknown as Engine;
}

/** A peer connection manager whose connections come back at `back()` (or fail at `fail()`). */
function peerConnections(engine: Engine) {
  const asked: number[] = [];
  let back: () => void = () => undefined;
  let fail: (cause: Error) => void = () => undefined;
  engine.pcManager = {
    ensurePCTransportConnection: (_abort, timeoutMs) => {
      asked.push(timeoutMs);
      return new Promise<void>((resolve, reject) => {
        back = resolve;
        fail = reject;
      });
    },
  };
  return { asked, back: () => back(), fail: (cause: Error) => fail(cause) };
}

/** Whether `promise` has settled once the microtasks and `ms` of fake time ran. */
async function settledAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

describe('the wait for the peer connections after a reconnect', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is 2 s before any check in the pinned livekit-client (what the widget replaces)', async () => {
    const engine = engineOf(new Room());
    const connections = peerConnections(engine);
    const wait = engine.waitForPCReconnected();
    expect(await settledAfter(wait, 1_999)).toBe(false);
    expect(connections.asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    connections.back();
    await wait;
  });

  it("ends as soon as the widget's room has its peer connections back", async () => {
    const engine = engineOf(createRoom(undefined, { persist: false }));
    const connections = peerConnections(engine);
    const wait = engine.waitForPCReconnected();
    expect(await settledAfter(wait, 0)).toBe(false);
    expect(connections.asked).toEqual([engine.peerConnectionTimeout]);
    expect(engine.pcState).toBe(PC_STATE.reconnecting);
    connections.back();
    expect(await settledAfter(wait, 0)).toBe(true);
    expect(engine.pcState).toBe(PC_STATE.connected);
  });

  it('fails as livekit-client does when the peer connections do not come back', async () => {
    const engine = engineOf(createRoom(undefined, { persist: true }));
    const connections = peerConnections(engine);
    const wait = engine.waitForPCReconnected();
    const failure = expect(wait).rejects.toThrow(ConnectionError);
    connections.fail(new Error('could not establish pc connection'));
    await failure;
    await expect(wait).rejects.toThrow(
      'could not establish PC connection, could not establish pc connection',
    );
    expect(engine.pcState).toBe(PC_STATE.disconnected);
  });
});
