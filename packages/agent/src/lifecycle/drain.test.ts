import { type RemoteParticipant, type Room, RoomEvent } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { END_ATTRIBUTE } from './ending.js';
import { DRAIN_GOODBYE_INSTRUCTIONS } from './job-lifecycle.js';
import {
  type CliWorker,
  metricsPort,
  type Stack,
  scrape,
  scrapeOnce,
  spawnCliWorker,
  startStack,
  visitor,
} from './stack.test-helper.js';

const ARGS = ['--idle-processes', '2', '--load-threshold', 'none', '--metrics-port', '0'];

describe('draining a worker on SIGTERM', { timeout: 300_000 }, () => {
  let stack: Stack;
  const workers: CliWorker[] = [];
  const rooms: Room[] = [];

  beforeAll(async () => {
    stack = await startStack();
    return () => stack.close();
  });

  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((room) => room.disconnect().catch(() => undefined)));
    for (const worker of workers.splice(0)) worker.killGroup();
  });

  async function call(name: string, agentName: string) {
    const joined = await visitor(stack, name, agentName);
    rooms.push(joined.room);
    return { room: joined.room, agent: await joined.listening };
  }

  it('lets two running calls finish, sends no new job to it, and exits 0; its metrics count what happened', async () => {
    const draining = spawnCliWorker(stack, 'drain-agent', [...ARGS, '--drain-limit', '120']);
    workers.push(draining);
    await draining.registered;
    const first = await call('drain-1', 'drain-agent');
    const second = await call('drain-2', 'drain-agent');
    const port = await metricsPort(draining);
    const before = await scrapeOnce(port, 'voice_agent_active_sessions', 2);
    expect(before('voice_agent_jobs_total{result="accepted"}')).toBe(2);
    expect(before('voice_agent_jobs_total{result="refused"}')).toBe(0);
    expect(before('voice_agent_jobs_total{result="failed"}')).toBe(0);
    const [drainingWorker] = stack.server.workers();

    const other = spawnCliWorker(stack, 'drain-agent', ARGS);
    workers.push(other);
    await other.registered;
    draining.child.kill('SIGTERM');
    await waitFor(
      () => stack.server.workers().find((w) => w.id === drainingWorker?.id && w.status === 'full'),
      { what: 'the draining worker to report itself full' },
    );
    await call('drain-3', 'drain-agent');
    const third = stack.server.jobs().find((job) => job.room === 'drain-3');
    expect(third?.worker).toBeDefined();
    expect(third?.worker).not.toBe(drainingWorker?.id);

    // The two calls still have their agent, until their visitors hang up.
    for (const { room, agent } of [first, second]) {
      expect(room.remoteParticipants.get(agent.identity)).toBeDefined();
      expect(agent.attributes[END_ATTRIBUTE]).toBeUndefined();
    }
    const during = await scrape(port);
    expect(during('voice_agent_active_sessions')).toBe(2);
    await first.room.disconnect();
    await second.room.disconnect();
    expect(await draining.exited).toBe(0);
  });

  it('ends a call still running at the drain limit with a goodbye and voice-agent.end = drain-limit', async () => {
    const worker = spawnCliWorker(stack, 'limit-agent', [...ARGS, '--drain-limit', '2']);
    workers.push(worker);
    await worker.registered;
    const { room, agent } = await call('limit-1', 'limit-agent');
    const told = new Promise<string>((resolve) =>
      room.on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => {
        const reason = participant.attributes[END_ATTRIBUTE];
        if (participant.identity === agent.identity && reason) resolve(reason);
      }),
    );
    const left = new Promise<void>((resolve) =>
      room.on(RoomEvent.ParticipantDisconnected, (participant: RemoteParticipant) => {
        if (participant.identity === agent.identity) resolve();
      }),
    );
    worker.child.kill('SIGTERM');
    expect(await told).toBe('drain-limit');
    await left;
    expect(await worker.exited).toBe(0);
    const asked = stack.standIn
      .messages('clientContent')
      .some(({ message }) => JSON.stringify(message).includes('The service is restarting'));
    expect(asked, `the model was asked: ${DRAIN_GOODBYE_INSTRUCTIONS}`).toBe(true);
  });
});
