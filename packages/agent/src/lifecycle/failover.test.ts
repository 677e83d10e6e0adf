import { type Room, RoomEvent } from '@livekit/rtc-node';
import { TOPICS } from '@voice-agent/protocol';
import { waitFor } from '@voice-agent/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisConversationStore } from '../conversation/redis-store.js';
import { recallingTurn } from '../testing/index.js';
import { type RedisServer, startRedisServer } from '../testing/redis-server.js';
import { END_ATTRIBUTE } from './ending.js';
import {
  type CliWorker,
  metricsPort,
  type Stack,
  scrapeOnce,
  spawnCliWorker,
  startStack,
  visitor,
} from './stack.test-helper.js';

/** The stand-in answers every turn from what its connection knows of the visitor's name. */
const NAME = {
  pattern: /my name is (\w+)/i,
  answer: 'Your name is $1.',
  otherwise: 'I do not know your name.',
};
const ARGS = ['--idle-processes', '1', '--load-threshold', 'none', '--metrics-port', '0'];

/** The agent's captions as the visitor's page reads them, in order. */
function captionsOf(room: Room): { from: string; text: string }[] {
  const captions: { from: string; text: string }[] = [];
  room.registerTextStreamHandler(TOPICS.transcription, async (reader, participant) => {
    const text = await reader.readAll();
    if (participant.identity !== room.localParticipant?.identity && text.trim()) {
      captions.push({ from: participant.identity, text: text.trim() });
    }
  });
  return captions;
}

describe('a worker killed with SIGKILL in the middle of a call', { timeout: 180_000 }, () => {
  let stack: Stack;
  let redis: RedisServer;
  const workers: CliWorker[] = [];
  const rooms: Room[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startStack({ reactions: [{ on: 'clientTurn', reply: recallingTurn(NAME) }] });
    return async () => {
      await stack.close();
      await redis.stop();
    };
  });

  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((room) => room.disconnect().catch(() => undefined)));
    for (const worker of workers.splice(0)) worker.killGroup();
  });

  it('has a new agent in the room within 10 s whose next answer knows what the visitor said before', async () => {
    const env = { VOICE_AGENT_REDIS_URL: redis.url };
    const doomed = spawnCliWorker(stack, 'failover-agent', ARGS, env);
    workers.push(doomed);
    await doomed.registered;
    const { room, listening } = await visitor(stack, 'failover-room', 'failover-agent');
    rooms.push(room);
    const captions = captionsOf(room);
    const first = await listening;
    await room.localParticipant?.sendText('My name is Ada.', { topic: TOPICS.chat });
    await waitFor(() => captions.find((c) => c.text === 'Your name is Ada.'), {
      timeoutMs: 20_000,
      what: 'the first agent to answer',
    });
    // Both turns are stored before the worker dies (a real crash may lose the last one).
    const store = await RedisConversationStore.connect(redis.url);
    await waitFor(
      async () => ((await store.load('failover-room')).length >= 2 ? true : undefined),
      {
        what: 'the turns to be stored',
      },
    );
    await store.close();

    const survivor = spawnCliWorker(stack, 'failover-agent', ARGS, env);
    workers.push(survivor);
    await survivor.registered;
    const told: string[] = [];
    room.on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => {
      const reason = participant.attributes[END_ATTRIBUTE];
      if (participant.sid === first.sid && reason) told.push(reason);
    });
    const connectionsBefore = stack.standIn.connectionCount;

    process.kill(doomed.pid, 'SIGKILL');
    const resumed = await waitFor(
      () =>
        [...room.remoteParticipants.values()].find(
          (p) => p.sid !== first.sid && p.attributes['lk.agent.state'] === 'listening',
        ),
      { timeoutMs: 10_000, what: 'a new agent listening in the room' },
    );
    expect(stack.server.jobs()).toMatchObject([{ room: 'failover-room', resuming: true }]);

    const answered = captions.length;
    await room.localParticipant?.sendText('What is my name?', { topic: TOPICS.chat });
    const answer = await waitFor(() => captions.slice(answered)[0], {
      timeoutMs: 20_000,
      what: 'the resumed agent to answer',
    });
    expect(answer).toEqual({ from: resumed.identity, text: 'Your name is Ada.' });
    // The model behind the new agent got the earlier conversation once, not twice.
    const latest = stack.standIn.connections.at(-1);
    expect(latest && latest.id > connectionsBefore).toBe(true);
    expect(stack.standIn.contextVerdict(latest?.id ?? 0)).toMatchObject({
      priorTurns: ['My name is Ada.'],
      delivery: 'once',
    });
    // The orphaned job process told the page why its agent left.
    expect(told).toEqual(['worker-lost']);

    const read = await scrapeOnce(
      await metricsPort(survivor),
      'voice_agent_jobs_total{result="resumed"}',
      1,
    );
    expect(read('voice_agent_jobs_total{result="accepted"}')).toBe(1);
    expect(read('voice_agent_active_sessions')).toBe(1);
    expect(read('voice_agent_jobs_total{result="failed"}')).toBe(0);
  });
});
