import { LeaveRequest_Action, SignalResponse } from '@livekit/protocol';
import { type RemoteParticipant, Room, RoomEvent } from '@livekit/rtc-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type DevServer, startDevServer } from '../server/dev-server.js';
import { mintToken } from '../testing/tokens.js';

// livekit-client's resume path, as it reaches the server: a client whose signalling socket
// dropped connects again with `reconnect=1&sid=<its participant sid>` and must get a
// ReconnectResponse (not a JoinResponse) while the room still holds it.

/** Every response of a raw signalling socket, as they arrive. */
function openSignal(url: string): { socket: WebSocket; responses: SignalResponse[] } {
  const socket = new WebSocket(url);
  const responses: SignalResponse[] = [];
  socket.on('message', (data: Buffer) =>
    responses.push(SignalResponse.fromBinary(new Uint8Array(data))),
  );
  return { socket, responses };
}

async function until<T>(check: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('resuming a dropped signalling connection', () => {
  let server: DevServer;
  const watcher = new Room();
  const left: RemoteParticipant[] = [];

  beforeAll(async () => {
    server = await startDevServer({ port: 0, departureTimeoutSeconds: 2 });
    watcher.on(RoomEvent.ParticipantDisconnected, (participant) => left.push(participant));
    await watcher.connect(server.url, await mintToken({ identity: 'watcher', room: 'resume' }));
  });
  afterAll(async () => {
    await watcher.disconnect();
    await server.close();
  });

  it('keeps the participant for the departure timeout, resumes it, and lets it go after', async () => {
    const token = await mintToken({ identity: 'phone', room: 'resume' });
    const first = openSignal(`${server.url}/rtc?access_token=${token}&auto_subscribe=1`);
    const join = await until(() => first.responses[0], 'the join');
    expect(join.message.case).toBe('join');
    const sid = join.message.case === 'join' ? join.message.value.participant?.sid : undefined;
    first.socket.terminate();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(left).toEqual([]);
    expect(server.rooms()).toEqual([{ name: 'resume', participants: ['watcher', 'phone'] }]);

    const again = openSignal(`${server.url}/rtc?access_token=${token}&reconnect=1&sid=${sid}`);
    const [reconnect, update] = await until(
      () => (again.responses.length >= 2 ? again.responses : undefined),
      'the reconnect response',
    );
    expect(reconnect?.message.case).toBe('reconnect');
    expect(update?.message.case === 'update' && update.message.value.participants).toEqual(
      expect.arrayContaining([expect.objectContaining({ identity: 'watcher' })]),
    );
    // Past the first drop's departure timeout: the resumed participant stays.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(left).toEqual([]);
    expect(server.rooms()).toEqual([{ name: 'resume', participants: ['watcher', 'phone'] }]);

    again.socket.terminate();
    await until(() => left[0], 'the participant to leave after the departure timeout');
    expect(left.map((p) => p.identity)).toEqual(['phone']);
    expect(server.rooms()).toEqual([{ name: 'resume', participants: ['watcher'] }]);
  });

  it('sends a resume of a participant it no longer holds to a full rejoin', async () => {
    const token = await mintToken({ identity: 'gone', room: 'resume' });
    const { responses } = openSignal(
      `${server.url}/rtc?access_token=${token}&reconnect=1&sid=PA_x`,
    );
    const [first] = await until(() => (responses.length > 0 ? responses : undefined), 'a leave');
    expect(first?.message.case).toBe('leave');
    expect(first?.message.case === 'leave' && first.message.value.action).toBe(
      LeaveRequest_Action.RECONNECT,
    );
  });
});
