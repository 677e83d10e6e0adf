import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AgentServer, ServerOptions } from '@livekit/agents';
import { type RemoteParticipant, Room, RoomEvent } from '@livekit/rtc-node';
import { mintToken } from '../testing/tokens.js';

const AGENT_FILE = fileURLToPath(new URL('./fixtures/state-agent.mjs', import.meta.url));
const WORKER_FILE = fileURLToPath(new URL('./fixtures/state-worker.mjs', import.meta.url));

type WorkerOptions = Partial<ConstructorParameters<typeof ServerOptions>[0]>;

/** A real worker running the fixture agent against `url`; `options` override the defaults. */
export function agentWorker(url: string, options: WorkerOptions = {}): AgentServer {
  return new AgentServer(
    new ServerOptions({
      agent: AGENT_FILE,
      wsURL: url,
      apiKey: 'devkey',
      apiSecret: 'secret',
      host: '127.0.0.1',
      port: 0,
      // A job process can take long to boot on a loaded test machine.
      initializeProcessTimeout: 60_000,
      // Cleanup: closing a worker waits this long for each process to acknowledge shutdown
      // (default 60 s). With @livekit/agents 1.9 one process of the test's workers ("job did
      // not acknowledge shutdown in time", once per test; which one is not yet found) never
      // does, which cost every test a full minute; the tests assert nothing about how a closed
      // worker's processes end (orphans.test.ts and drain.test.ts do, on the CLI).
      shutdownProcessTimeout: 5_000,
      ...options,
    }),
  );
}

/** Runs `worker`; resolves with its run and id once LiveKit accepted its registration. */
export async function register(
  worker: AgentServer,
): Promise<{ running: Promise<void>; id: string }> {
  const registered = new Promise<string>((resolve) =>
    worker.event.once('worker_registered', (id: string) => resolve(id)),
  );
  const running = worker.run();
  return { running, id: await registered };
}

/** Resolves with the first participant in `room` that reports an agent state. */
export function agentIn(room: Room): Promise<RemoteParticipant> {
  return new Promise((resolve) => {
    const check = (participant: RemoteParticipant) => {
      if (participant.attributes['lk.agent.state']) resolve(participant);
    };
    room.on(RoomEvent.ParticipantConnected, check);
    room.on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) =>
      check(participant as RemoteParticipant),
    );
  });
}

/** A visitor whose token dispatches `agentName`; resolves once connected, with its agent's arrival. */
export async function visit(
  url: string,
  roomName: string,
  agentName: string,
): Promise<{ room: Room; agent: Promise<RemoteParticipant> }> {
  const room = new Room();
  const agent = agentIn(room);
  await room.connect(
    url,
    await mintToken({ identity: `visitor-${roomName}`, room: roomName, agentName }),
  );
  return { room, agent };
}

/** The fixture worker in its own process group, so a test can SIGKILL it and clean up after. */
export interface WorkerProcess {
  child: ChildProcess;
  id: Promise<string>;
  /** SIGKILL to the worker alone (its job processes stay, as after a crash). */
  killWorker(): void;
  /** SIGKILL to the whole group: cleanup. */
  killGroup(): void;
}

export function spawnStateWorker(url: string, agentName: string): WorkerProcess {
  const child = spawn(process.execPath, [WORKER_FILE], {
    env: { ...process.env, LIVEKIT_URL: url, AGENT_NAME: agentName },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const id = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the worker exited (${code}) before registering`)),
    );
    if (!child.stdout) return reject(new Error('no stdout'));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^registered (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
  });
  const signal = (pid: number) => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return {
    child,
    id,
    killWorker: () => child.pid && signal(child.pid),
    killGroup: () => child.pid && signal(-child.pid),
  };
}
