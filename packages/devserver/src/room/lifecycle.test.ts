import {
  AddTrackRequest,
  AudioTrackFeature,
  ParticipantInfo_State,
  DisconnectReason as ProtoDisconnectReason,
  RequestResponse_Reason,
  SignalRequest,
  SignalResponse,
  TrackSource,
  TrackType,
  UpdateLocalAudioTrack,
} from '@livekit/protocol';
import {
  DisconnectReason,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  Room,
  RoomEvent,
} from '@livekit/rtc-node';
import { measureLevel, publishTone, waitFor } from '@voice-agent/testing';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type DevServer, startDevServer } from '../server/dev-server.js';
import { mintToken } from '../testing/tokens.js';

async function agentToken(room: string): Promise<string> {
  const token = new AccessToken('devkey', 'secret', { identity: 'helper-agent' });
  token.kind = 'agent';
  token.addGrant({ roomJoin: true, room, agent: true, canUpdateOwnMetadata: true });
  return token.toJwt();
}

/** A raw signalling client: what a LiveKit client sends, with no WebRTC behind it. */
async function rawSignal(url: string): Promise<{ socket: WebSocket; first: SignalResponse }> {
  const socket = new WebSocket(url);
  const first = await new Promise<SignalResponse>((resolve, reject) => {
    socket.once('message', (data: Buffer) =>
      resolve(SignalResponse.fromBinary(new Uint8Array(data))),
    );
    socket.once('error', reject);
  });
  return { socket, first };
}

function nextResponse(socket: WebSocket, kind: SignalResponse['message']['case']) {
  return new Promise<SignalResponse>((resolve) => {
    const onMessage = (data: Buffer) => {
      const response = SignalResponse.fromBinary(new Uint8Array(data));
      if (response.message.case !== kind) return;
      socket.off('message', onMessage);
      resolve(response);
    };
    socket.on('message', onMessage);
  });
}

describe('room lifecycle', () => {
  let server: DevServer;
  beforeAll(async () => {
    // A participant whose socket dies is kept this long for a resume (see signal/resume.test.ts).
    server = await startDevServer({ port: 0, departureTimeoutSeconds: 1 });
  });
  afterAll(() => server.close());

  it('answers the join with server info, answers pings, and drops a participant whose socket dies (after the departure timeout)', async () => {
    const watcher = new Room();
    await watcher.connect(server.url, await mintToken({ identity: 'watcher', room: 'raw' }));
    const token = await mintToken({ identity: 'raw-client', room: 'raw' });
    const { socket, first } = await rawSignal(`${server.url}/rtc/v1?access_token=${token}`);
    expect(first.message.case).toBe('join');
    const join = first.message.case === 'join' ? first.message.value : undefined;
    expect(join?.serverInfo?.version).toBe('1.9.0');
    expect(join?.participant?.identity).toBe('raw-client');
    expect(join?.otherParticipants.map((p) => p.identity)).toEqual(['watcher']);
    expect(join?.iceServers).toEqual([]);

    const pong = nextResponse(socket, 'pongResp');
    socket.send(
      new SignalRequest({
        message: { case: 'pingReq', value: { timestamp: 1234n, rtt: 0n } },
      }).toBinary(),
    );
    const answered = await pong;
    expect(answered.message.case === 'pongResp' && answered.message.value.lastPingTimestamp).toBe(
      1234n,
    );

    const left = new Promise<RemoteParticipant>((resolve) =>
      watcher.on(RoomEvent.ParticipantDisconnected, resolve),
    );
    socket.terminate();
    expect((await left).identity).toBe('raw-client');
    expect(server.rooms()).toEqual([{ name: 'raw', participants: ['watcher'] }]);
    await watcher.disconnect();
  });

  it('drops a client that goes silent for the ping timeout, and keeps one that pings', async () => {
    const strict = await startDevServer({
      port: 0,
      pingTimeoutSeconds: 2,
      departureTimeoutSeconds: 0,
    });
    const watcher = new Room();
    try {
      await watcher.connect(strict.url, await mintToken({ identity: 'watcher', room: 'quiet' }));
      const token = await mintToken({ identity: 'silent-client', room: 'quiet' });
      const { socket, first } = await rawSignal(`${strict.url}/rtc/v1?access_token=${token}`);
      const join = first.message.case === 'join' ? first.message.value : undefined;
      expect(join).toMatchObject({ pingTimeout: 2, pingInterval: 1 });
      const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      const left = new Promise<RemoteParticipant>((resolve) =>
        watcher.on(RoomEvent.ParticipantDisconnected, resolve),
      );
      // The raw client never pings; rtc-node's client pings at the advertised interval.
      expect((await left).identity).toBe('silent-client');
      await socketClosed;
      // Longer than the timeout again: the pinging client stays.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(strict.rooms()).toEqual([{ name: 'quiet', participants: ['watcher'] }]);
    } finally {
      await watcher.disconnect();
      await strict.close();
    }
  });

  it('refuses a ping timeout LiveKit clients cannot use', async () => {
    await expect(startDevServer({ port: 0, pingTimeoutSeconds: 1 })).rejects.toThrow(
      'pingTimeoutSeconds must be a whole number of seconds, at least 2',
    );
  });

  it('publishes audio with its features, takes feature updates, and refuses video cleanly', async () => {
    const token = await mintToken({ identity: 'raw-publisher', room: 'features' });
    const { socket } = await rawSignal(`${server.url}/rtc/v1?access_token=${token}`);
    const send = (message: SignalRequest['message']) =>
      socket.send(new SignalRequest({ message }).toBinary());
    const published = nextResponse(socket, 'trackPublished');
    send({
      case: 'addTrack',
      value: new AddTrackRequest({
        cid: 'mic-1',
        type: TrackType.AUDIO,
        source: TrackSource.MICROPHONE,
        audioFeatures: [AudioTrackFeature.TF_PRECONNECT_BUFFER],
      }),
    });
    const response = await published;
    const track =
      response.message.case === 'trackPublished' ? response.message.value.track : undefined;
    expect(track?.audioFeatures).toEqual([AudioTrackFeature.TF_PRECONNECT_BUFFER]);

    const updated = nextResponse(socket, 'update');
    send({
      case: 'updateAudioTrack',
      value: new UpdateLocalAudioTrack({
        trackSid: track?.sid,
        features: [AudioTrackFeature.TF_NOISE_SUPPRESSION],
      }),
    });
    const update = await updated;
    const info =
      update.message.case === 'update' ? update.message.value.participants[0] : undefined;
    expect(info?.tracks[0]?.audioFeatures).toEqual([AudioTrackFeature.TF_NOISE_SUPPRESSION]);

    const refused = nextResponse(socket, 'requestResponse');
    send({ case: 'addTrack', value: new AddTrackRequest({ cid: 'cam-1', type: TrackType.VIDEO }) });
    const answer = await refused;
    expect(answer.message.case === 'requestResponse' && answer.message.value.reason).toBe(
      RequestResponse_Reason.UNSUPPORTED_TYPE,
    );
    socket.close();
    await waitFor(() => (server.rooms().length === 0 ? true : undefined), { what: 'room gone' });
  });

  it('marks a participant ACTIVE once its peer connection is up, and tells the room', async () => {
    const token = await mintToken({ identity: 'raw-watcher', room: 'active' });
    const { socket } = await rawSignal(`${server.url}/rtc/v1?access_token=${token}`);
    const agentStates: ParticipantInfo_State[] = [];
    socket.on('message', (data: Buffer) => {
      const { message } = SignalResponse.fromBinary(new Uint8Array(data));
      if (message.case !== 'update') return;
      for (const info of message.value.participants) {
        if (info.identity === 'helper-agent') agentStates.push(info.state);
      }
    });
    const agent = new Room();
    try {
      await agent.connect(server.url, await agentToken('active'));
      await waitFor(() => (agentStates.includes(ParticipantInfo_State.ACTIVE) ? true : undefined), {
        what: 'the agent to become ACTIVE',
        timeoutMs: 10_000,
      });
      expect(agentStates[0]).toBe(ParticipantInfo_State.JOINED);
      // A late joiner learns both states from its JoinResponse; the raw client, which never
      // set up a peer connection, is still only JOINED.
      const late = await mintToken({ identity: 'late', room: 'active' });
      const { socket: lateSocket, first } = await rawSignal(
        `${server.url}/rtc/v1?access_token=${late}`,
      );
      const others = first.message.case === 'join' ? first.message.value.otherParticipants : [];
      expect(Object.fromEntries(others.map((p) => [p.identity, p.state]))).toEqual({
        'raw-watcher': ParticipantInfo_State.JOINED,
        'helper-agent': ParticipantInfo_State.ACTIVE,
      });
      lateSocket.close();
    } finally {
      await agent.disconnect();
      socket.close();
    }
  });

  it('replaces a participant that joins again with the same identity', async () => {
    const token = await mintToken({ identity: 'twin', room: 'twins' });
    const { socket: older } = await rawSignal(`${server.url}/rtc/v1?access_token=${token}`);
    const leave = nextResponse(older, 'leave');
    const { socket: newer } = await rawSignal(`${server.url}/rtc/v1?access_token=${token}`);
    const received = await leave;
    expect(received.message.case === 'leave' && received.message.value.reason).toBe(
      ProtoDisconnectReason.DUPLICATE_IDENTITY,
    );
    const twins = () => server.rooms().filter((room) => room.name === 'twins');
    expect(twins()).toEqual([{ name: 'twins', participants: ['twin'] }]);
    newer.close();
    // A socket closed without a leave is kept for the departure timeout, then goes.
    await waitFor(() => (twins().length === 0 ? true : undefined), { what: 'room gone' });
  });

  it('ends the room when the last visitor leaves: agents see why, then get ROOM_DELETED', async () => {
    const visitor = new Room();
    const agent = new Room();
    await visitor.connect(server.url, await mintToken({ identity: 'visitor', room: 'call' }));
    await agent.connect(server.url, await agentToken('call'));
    const visitorLeft = new Promise<RemoteParticipant>((resolve) =>
      agent.on(RoomEvent.ParticipantDisconnected, resolve),
    );
    const agentDisconnected = new Promise<DisconnectReason>((resolve) =>
      agent.on(RoomEvent.Disconnected, resolve),
    );
    await visitor.disconnect();
    // The Agents framework closes its session only for this reason.
    expect((await visitorLeft).disconnectReason).toBe(DisconnectReason.CLIENT_INITIATED);
    expect(await agentDisconnected).toBe(DisconnectReason.ROOM_DELETED);
    expect(server.rooms().filter((room) => room.name === 'call')).toEqual([]);
  });

  it('lets a client without auto-subscription choose what it receives', async () => {
    const speaker = new Room();
    const picky = new Room();
    await speaker.connect(server.url, await mintToken({ identity: 'speaker', room: 'choice' }));
    const stopTone = await publishTone(speaker, 660);
    try {
      const published = new Promise<RemoteTrackPublication>((resolve) =>
        picky.on(RoomEvent.TrackPublished, resolve),
      );
      const subscribed = new Promise<RemoteTrack>((resolve) =>
        picky.on(RoomEvent.TrackSubscribed, resolve),
      );
      await picky.connect(server.url, await mintToken({ identity: 'picky', room: 'choice' }), {
        autoSubscribe: false,
        dynacast: false,
      });
      const publication =
        picky.remoteParticipants.get('speaker')?.trackPublications.values().next().value ??
        (await published);
      expect(publication.subscribed).toBe(false);
      publication.setSubscribed(true);
      const level = measureLevel(await subscribed);
      await waitFor(() => (level.peak() > 0.03 ? true : undefined), {
        timeoutMs: 20_000,
        what: 'the chosen track to be heard',
      });
      level.stop();
    } finally {
      stopTone();
      await picky.disconnect();
      await speaker.disconnect();
    }
  });
});
