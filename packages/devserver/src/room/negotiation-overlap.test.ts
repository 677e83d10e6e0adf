import { once } from 'node:events';
import { setTimeout } from 'node:timers/promises';
import { type RemoteTrack, Room, RoomEvent, TrackKind } from '@livekit/rtc-node';
import { firstRemoteAudio, measureLevel, publishTone, waitFor } from '@voice-agent/testing';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { type DevServer, startDevServer } from '../server/dev-server.js';
import { type SlowOfferProxy, startSlowOfferProxy } from '../testing/slow-offer-proxy.js';
import { mintToken } from '../testing/tokens.js';

/** Longer than rtc-node's 150 ms negotiation debounce, as answers take on a loaded machine. */
const OFFER_HOLD_MS = 2_000;

async function hears(track: Promise<RemoteTrack>, what: string): Promise<void> {
  const timeout = setTimeout(15_000, undefined, { ref: false }).then(() => {
    throw new Error(`timed out waiting for ${what}: no track subscribed`);
  });
  const level = measureLevel(await Promise.race([track, timeout]));
  try {
    await waitFor(() => (level.peak() > 0.03 ? true : undefined), { timeoutMs: 10_000, what });
  } finally {
    level.stop();
  }
}

/**
 * rtc-node deadlocks its signalling if asked to negotiate while its offer awaits an answer
 * (see OfferTurns). These calls make a server that answers slowly meet that overlap.
 */
describe('negotiations that overlap an unanswered rtc-node offer', () => {
  let server: DevServer;
  let proxy: SlowOfferProxy;
  const rooms: Room[] = [];
  const stops: (() => void)[] = [];
  beforeAll(async () => {
    server = await startDevServer({ port: 0 });
    proxy = await startSlowOfferProxy(server.url, OFFER_HOLD_MS);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    // A participant whose signalling deadlocked never finishes disconnecting.
    const left = Promise.all(rooms.splice(0).map((room) => room.disconnect()));
    await Promise.race([left, setTimeout(5_000, undefined, { ref: false })]);
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  async function join(url: string, identity: string, room: string): Promise<Room> {
    const participant = new Room();
    rooms.push(participant);
    await participant.connect(url, await mintToken({ identity, room }));
    return participant;
  }

  it('an agent that joins a room with audio and publishes at once is heard and hears', async () => {
    const visitor = await join(server.url, 'visitor', 'join-then-publish');
    stops.push(await publishTone(visitor, 440));
    const visitorHears = firstRemoteAudio(visitor);
    const agent = new Room();
    rooms.push(agent);
    const agentHears = firstRemoteAudio(agent);
    await agent.connect(
      proxy.url,
      await mintToken({ identity: 'agent', room: 'join-then-publish' }),
    );
    void publishTone(agent, 880).then((stop) => stops.push(stop));
    await hears(visitorHears, 'the visitor to hear the agent');
    await hears(agentHears, 'the agent to hear the visitor');
  });

  it('an agent whose publish offer is unanswered when a visitor publishes hears everyone', async () => {
    const agent = await join(proxy.url, 'agent', 'publish-while-offering');
    const agentHearsVisitor = remoteAudioFrom(agent, 'visitor');
    const publishOffer = once(proxy.events, 'offer');
    void publishTone(agent, 880).then((stop) => stops.push(stop));
    await publishOffer;
    const visitor = await join(server.url, 'visitor', 'publish-while-offering');
    const visitorHears = firstRemoteAudio(visitor);
    stops.push(await publishTone(visitor, 440));
    await hears(agentHearsVisitor, 'the agent to hear the visitor');
    await hears(visitorHears, 'the visitor to hear the agent');
    // The agent's signalling still runs: it negotiates for someone who comes later.
    const agentHearsSecond = remoteAudioFrom(agent, 'second');
    const second = await join(server.url, 'second', 'publish-while-offering');
    stops.push(await publishTone(second, 660));
    await hears(agentHearsSecond, 'the agent to hear a second visitor');
  });
});

/**
 * rtc-node offers on its own after a `registerRpcMethod`, within its 150 ms debounce; an agent
 * does that just before it publishes. Offers that take a while to reach the server (a loaded
 * machine) then cross the server's `trackPublished` unless the server holds it (OfferTurns).
 */
describe('an agent that registers an RPC method just before it publishes', () => {
  let server: DevServer;
  let proxy: SlowOfferProxy;
  const rooms: Room[] = [];
  const stops: (() => void)[] = [];
  beforeAll(async () => {
    server = await startDevServer({ port: 0 });
    // Longer than the debounce, shorter than the server's hold of an ask.
    proxy = await startSlowOfferProxy(server.url, 250);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    const left = Promise.all(rooms.splice(0).map((room) => room.disconnect()));
    await Promise.race([left, setTimeout(5_000, undefined, { ref: false })]);
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  it('is heard: its own offer is answered before its track is confirmed', async () => {
    const visitor = new Room();
    rooms.push(visitor);
    await visitor.connect(server.url, await mintToken({ identity: 'visitor', room: 'rpc' }));
    const visitorHears = firstRemoteAudio(visitor);
    const agent = new Room();
    rooms.push(agent);
    await agent.connect(proxy.url, await mintToken({ identity: 'agent', room: 'rpc' }));
    agent.localParticipant?.registerRpcMethod('declare', async () => 'ok');
    // Past the debounce: its own offer is on its way (held by the proxy) when it publishes.
    await setTimeout(200);
    void publishTone(agent, 880).then((stop) => stops.push(stop));
    await hears(visitorHears, 'the visitor to hear the agent');
  });
});

/** Resolves with the first audio track `room` subscribes to from `identity`. */
function remoteAudioFrom(room: Room, identity: string): Promise<RemoteTrack> {
  return new Promise((resolve) => {
    room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
      if (track.kind === TrackKind.KIND_AUDIO && participant.identity === identity) resolve(track);
    });
  });
}
