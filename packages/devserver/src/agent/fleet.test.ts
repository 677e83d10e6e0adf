import { type AgentServer, initializeLogger } from '@livekit/agents';
import { type Room, RoomEvent } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../server/dev-server.js';
import { agentWorker, register, spawnStateWorker, visit } from './workers.test-helper.js';

/** Jobs per worker that make it report itself full (load = jobs / capacity, FULL at 1). */
const CAPACITY = 4;

initializeLogger({ pretty: false, level: 'warn' });

describe('dispatch to several real @livekit/agents workers with one agent name', {
  timeout: 180_000,
}, () => {
  let server: DevServer | undefined;
  const workers: AgentServer[] = [];
  const runs: Promise<void>[] = [];
  const visitors: Room[] = [];
  const cleanups: (() => void)[] = [];

  afterEach(async () => {
    await Promise.all(visitors.splice(0).map((room) => room.disconnect().catch(() => undefined)));
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
    await Promise.allSettled(runs.splice(0));
    for (const cleanup of cleanups.splice(0)) cleanup();
    await server?.close();
    server = undefined;
    // Closing workers waits for their job processes to shut down: slow on a loaded machine.
  }, 180_000);

  async function startWorkers(url: string, count: number, name: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const worker = agentWorker(url, {
        agentName: name,
        // A capacity of 4 jobs, reported the way a worker reports CPU load.
        loadFunc: async (self) => self.activeJobs.length / CAPACITY,
        loadThreshold: 1,
        // One job process started ahead, so a visitor does not wait for one to boot.
        numIdleProcesses: 1,
      });
      workers.push(worker);
      const { running, id } = await register(worker);
      runs.push(running);
      ids.push(id);
    }
    return ids;
  }

  it('spreads twelve visitors over three workers by their reported load, none above its share plus one', async () => {
    server = await startDevServer({ port: 0 });
    const dev = server;
    const ids = await startWorkers(dev.url, 3, 'fleet-agent');
    for (let i = 0; i < 12; i++) {
      const { room, agent } = await visit(dev.url, `fleet-${i}`, 'fleet-agent');
      visitors.push(room);
      await agent;
      // Each worker reports its load every 2.5 s: the next visitor comes once it did.
      await waitFor(() => dev.workers().every((w) => w.load === w.jobs / CAPACITY) || undefined, {
        timeoutMs: 10_000,
        what: 'every worker to report the load of its jobs',
      });
    }
    const perWorker = ids.map((id) => dev.jobs().filter((job) => job.worker === id).length);
    expect(perWorker.reduce((sum, n) => sum + n, 0)).toBe(12);
    expect(Math.max(...perWorker)).toBeLessThanOrEqual(12 / 3 + 1);
    // A worker that reported FULL got nothing more: four each is the only way to place twelve.
    expect(perWorker).toEqual([4, 4, 4]);
    expect(dev.workers().map((w) => w.status)).toEqual(['full', 'full', 'full']);
  }, 240_000);

  it('skips a worker that does not answer availability in time', async () => {
    // random 0: the first registered available worker is asked first.
    server = await startDevServer({
      port: 0,
      agentDispatch: { availabilityTimeoutMs: 1_000, random: () => 0 },
    });
    let silentAsked = false;
    const silent = agentWorker(server.url, {
      agentName: 'slow-agent',
      // Idle by its report (the default would be this busy machine's CPU), so it is asked.
      loadFunc: async () => 0,
      // Answers only after the dispatcher gave up on it: that late "no" is ignored.
      requestFunc: async (request) => {
        silentAsked = true;
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        await request.reject();
      },
    });
    workers.push(silent);
    const first = await register(silent);
    runs.push(first.running);
    const [takerId] = await startWorkers(server.url, 1, 'slow-agent');
    const { room, agent } = await visit(server.url, 'slow-room', 'slow-agent');
    visitors.push(room);
    const participant = await agent;
    expect(silentAsked).toBe(true);
    const [job] = server.jobs();
    expect(job).toMatchObject({ worker: takerId, resuming: false });
    expect(participant.attributes.job).toBe(job?.id);
  });

  it('dispatches the running job of a killed worker again, resuming, to another worker', async () => {
    server = await startDevServer({ port: 0, agentDispatch: { random: () => 0 } });
    const dev = server;
    const doomed = spawnStateWorker(dev.url, 'failover-agent');
    cleanups.push(doomed.killGroup);
    const doomedId = await doomed.id;
    const { room, agent } = await visit(dev.url, 'failover-room', 'failover-agent');
    visitors.push(room);
    const first = await agent;
    const [job] = dev.jobs();
    expect(job).toMatchObject({ worker: doomedId, resuming: false });
    const [survivorId] = await startWorkers(dev.url, 1, 'failover-agent');

    const rejoined = new Promise<void>((resolve) =>
      room.on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => {
        if (participant.attributes.job === job?.id && participant.sid !== first.sid) resolve();
      }),
    );
    doomed.killWorker();
    await waitFor(() => dev.jobs().find((j) => j.resuming && j.worker === survivorId), {
      timeoutMs: 15_000,
      what: 'the job to be dispatched again to the other worker',
    });
    await rejoined;
    expect(dev.jobs()).toMatchObject([{ id: job?.id, worker: survivorId, resuming: true }]);
  });

  it('fails a dispatch that no worker takes, visibly, after the dispatch timeout', async () => {
    server = await startDevServer({ port: 0, agentDispatch: { dispatchTimeoutMs: 1_000 } });
    const dev = server;
    const { room } = await visit(dev.url, 'lonely-room', 'absent-agent');
    visitors.push(room);
    const [failure] = await waitFor(
      () => (dev.failedDispatches().length > 0 ? dev.failedDispatches() : undefined),
      { timeoutMs: 5_000, what: 'the dispatch to fail' },
    );
    expect(failure).toMatchObject({
      room: 'lonely-room',
      agentName: 'absent-agent',
      resuming: false,
    });
    expect(dev.jobs()).toEqual([]);
  });
});
