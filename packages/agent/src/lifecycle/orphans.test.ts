import { type RemoteParticipant, type Room, RoomEvent } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { END_ATTRIBUTE } from './ending.js';
import {
  alive,
  type CliWorker,
  descendants,
  type Stack,
  spawnCliWorker,
  startStack,
  visitor,
} from './stack.test-helper.js';

describe('a worker killed with SIGKILL leaves no process behind', { timeout: 120_000 }, () => {
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

  it('ends the call (telling the page why) and every job and inference process exits', async () => {
    const worker = spawnCliWorker(stack, 'orphan-agent', ['--idle-processes', '2']);
    workers.push(worker);
    await worker.registered;
    const { room, listening } = await visitor(stack, 'orphan-room', 'orphan-agent');
    rooms.push(room);
    const agent = await listening;
    // The job process, the idle one(s) and the framework's inference process.
    const forked = await waitFor(
      () => {
        const pids = descendants(worker.pid);
        return pids.length >= 3 ? pids : undefined;
      },
      { timeoutMs: 30_000, what: 'the worker to fork its job, idle and inference processes' },
    );
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

    process.kill(worker.pid, 'SIGKILL');
    // The attribute comes before the agent leaves, or not at all.
    const reason = await Promise.race([told, left.then(() => 'left without telling why')]);
    expect(reason).toBe('worker-lost');
    await left;
    // ORPHAN_EXIT_MS is 5 s; 10 s leaves room for a loaded machine.
    await waitFor(() => (forked.some(alive) ? undefined : true), {
      timeoutMs: 10_000,
      what: `the worker's processes ${forked.join(', ')} to exit`,
    });
  });
});
