import { initializeLogger, voice } from '@livekit/agents';
import { type Room, RoomEvent } from '@livekit/rtc-node';
import { type DevServer, startDevServer } from '@voice-agent/devserver';
import { afterEach, describe, expect, it } from 'vitest';
import { GeminiLiveStandIn } from '../testing/index.js';
import { createTestSession } from '../worker/test-session.test-helper.js';
import { joinRoom } from './room-session.test-helper.js';

// @livekit/agents 1.9's RoomIO waits for the visitor to subscribe to the agent's audio in a
// task that its close aborts and then awaits, and the wait ignores the abort: a session that
// closed before the visitor subscribed never finished closing (a visitor hanging up within a
// second of joining held the job for the framework's 60 s limit). The job's session has
// src/framework/unsubscribed-output.ts; this runs the pinned framework's RoomIO and fails
// without it.

initializeLogger({ pretty: false, level: 'fatal' });

/** Far below the framework's 60 s; a session closes in well under a second here. */
const CLOSE_LIMIT_MS = 5_000;

let server: DevServer | undefined;
let standIn: GeminiLiveStandIn | undefined;
const rooms: Room[] = [];
afterEach(async () => {
  await Promise.all(rooms.splice(0).map((room) => room.disconnect()));
  await server?.close();
  await standIn?.close();
});

async function join(url: string, identity: string, agent: boolean): Promise<Room> {
  // The visitor never subscribes: the agent's audio output waits for a subscriber.
  const room = await joinRoom(url, 'early', identity, agent, {
    autoSubscribe: agent,
    dynacast: false,
  });
  rooms.push(room);
  return room;
}

describe("a session closed before the visitor subscribed to the agent's audio", () => {
  it('finishes closing, and says so', async () => {
    [server, standIn] = await Promise.all([startDevServer({ port: 0 }), GeminiLiveStandIn.start()]);
    const visitor = await join(server.url, 'visitor', false);
    const published = new Promise<void>((resolve) =>
      visitor.on(RoomEvent.TrackPublished, () => resolve()),
    );
    const { session, agent } = createTestSession(standIn);
    await session.start({
      agent,
      room: await join(server.url, 'agent', true),
      inputOptions: { participantIdentity: 'visitor' },
    });
    await published;
    const closed = new Promise<string>((resolve) =>
      session.on(voice.AgentSessionEventTypes.Close, (event) => resolve(event.reason)),
    );

    const outcome = await Promise.race([
      session.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(resolve, CLOSE_LIMIT_MS, 'still closing')),
    ]);

    expect(outcome).toBe('closed');
    expect(await closed).toBe(voice.CloseReason.USER_INITIATED);
  });
});
