import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentServer, initializeLogger } from '@livekit/agents';
import { ParticipantKind, type RemoteParticipant, Room, RoomEvent } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../server/dev-server.js';
import { mintToken } from '../testing/tokens.js';
import { agentIn, agentWorker, register } from './workers.test-helper.js';

describe('agent dispatch to a real @livekit/agents worker', () => {
  let server: DevServer;
  let worker: AgentServer;
  let running: Promise<void>;
  const caller = new Room();
  let agentLog: string;
  const agentLines = (): Promise<string[]> =>
    readFile(agentLog, 'utf8').then(
      (text) => text.trim().split('\n'),
      () => [],
    );
  /** Waits until the agent logged `line` (its setAttributes has returned: "ready <job>"). */
  const agentLogged = (line: string) =>
    waitFor(async () => ((await agentLines()).includes(line) ? true : undefined), {
      timeoutMs: 20_000,
      what: `the agent to log "${line}"`,
    });

  beforeAll(async () => {
    agentLog = join(await mkdtemp(join(tmpdir(), 'devserver-agent-')), 'agent.log');
    process.env.STATE_AGENT_LOG = agentLog;
    // A room whose last visitor left lives on for the departure timeout: 1 s here.
    server = await startDevServer({ port: 0, departureTimeoutSeconds: 1 });
    initializeLogger({ pretty: false, level: 'warn' });
    worker = agentWorker(server.url, { agentName: 'test-agent' });
    ({ running } = await register(worker));
  });

  afterAll(async () => {
    await caller.disconnect().catch(() => undefined);
    await worker?.close();
    await running?.catch(() => undefined);
    await server?.close();
  });

  it('dispatches the named agent when a participant with a dispatch token joins, and ends the job with the room', async () => {
    const agentSeen = new Promise<RemoteParticipant>((resolve) => {
      const check = (participant: RemoteParticipant) => {
        if (participant.attributes['lk.agent.state'] === 'listening') resolve(participant);
      };
      caller.on(RoomEvent.ParticipantConnected, check);
      caller.on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) =>
        check(participant as RemoteParticipant),
      );
    });
    const token = await mintToken({
      identity: 'caller',
      room: 'dispatch-room',
      agentName: 'test-agent',
    });
    await caller.connect(server.url, token);

    const agent = await agentSeen;
    expect(agent.kind).toBe(ParticipantKind.AGENT);
    const [job] = server.jobs();
    expect(job).toMatchObject({ room: 'dispatch-room', agentName: 'test-agent' });
    expect(agent.attributes.job).toBe(job?.id);
    await agentLogged(`ready ${job?.id}`);
    expect(await agentLines()).toEqual([`joined ${job?.id}`, `ready ${job?.id}`]);

    await caller.disconnect();
    await waitFor(
      () => (server.rooms().length === 0 && server.jobs().length === 0 ? true : undefined),
      { what: 'the room and its job to be removed' },
    );
    const lines = await waitFor(
      async () => {
        const current = await agentLines();
        return current.length >= 4 ? current : undefined;
      },
      { timeoutMs: 20_000, what: 'the agent to be disconnected and its job to shut down' },
    );
    expect(lines).toContain(`shutdown ${job?.id}`);
    expect(lines.some((line) => line.startsWith('disconnected '))).toBe(true);
  });

  /** The job in `room` runs until its visitor leaves, then shuts down. */
  async function endsWithVisitor(visitor: Room): Promise<void> {
    const [job] = server.jobs();
    await agentLogged(`ready ${job?.id}`);
    await visitor.disconnect();
    await agentLogged(`shutdown ${job?.id}`);
  }

  it('keeps a dispatch until a worker with that agent name registers', async () => {
    const early = new Room();
    const joined = agentIn(early);
    await early.connect(
      server.url,
      await mintToken({ identity: 'early', room: 'early-room', agentName: 'late-agent' }),
    );
    expect(server.jobs()).toEqual([]);
    const late = agentWorker(server.url, { agentName: 'late-agent' });
    const lateRunning = late.run();
    try {
      const agent = await joined;
      expect(agent.kind).toBe(ParticipantKind.AGENT);
      expect(server.jobs()).toMatchObject([{ room: 'early-room', agentName: 'late-agent' }]);
      await endsWithVisitor(early);
    } finally {
      await early.disconnect();
      await late.close();
      await lateRunning.catch(() => undefined);
    }
  });

  it('offers a declined job to the next worker with that agent name', async () => {
    // random 0: the first registered available worker (the decliner) is asked first.
    const own = await startDevServer({ port: 0, agentDispatch: { random: () => 0 } });
    let declinerAsked = false;
    const decliner = agentWorker(own.url, {
      agentName: 'shared-agent',
      requestFunc: async (request) => {
        declinerAsked = true;
        await request.reject();
      },
    });
    const taker = agentWorker(own.url, { agentName: 'shared-agent' });
    const started: Promise<void>[] = [];
    const visitor = new Room();
    try {
      for (const worker of [decliner, taker]) started.push((await register(worker)).running);
      const agentReady = agentIn(visitor);
      await visitor.connect(
        own.url,
        await mintToken({ identity: 'v', room: 'shared-room', agentName: 'shared-agent' }),
      );
      const agent = await agentReady;
      expect(declinerAsked).toBe(true);
      expect(agent.kind).toBe(ParticipantKind.AGENT);
    } finally {
      await visitor.disconnect();
      await Promise.all([decliner.close(), taker.close()]);
      await Promise.allSettled(started);
      await own.close();
    }
  });

  it('dispatches a worker registered without an agent name to every new room', async () => {
    const automatic = agentWorker(server.url);
    const { running } = await register(automatic);
    const visitor = new Room();
    try {
      const agentReady = agentIn(visitor);
      await visitor.connect(server.url, await mintToken({ identity: 'v', room: 'any-room' }));
      const agent = await agentReady;
      expect(agent.kind).toBe(ParticipantKind.AGENT);
      expect(server.jobs()).toMatchObject([{ room: 'any-room', agentName: '' }]);
      await endsWithVisitor(visitor);
    } finally {
      await visitor.disconnect();
      await automatic.close();
      await running.catch(() => undefined);
    }
  });
});
