import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type RemoteParticipant, Room, RoomEvent, type RoomOptions } from '@livekit/rtc-node';
import { type DevServer, type DevServerOptions, startDevServer } from '@voice-agent/devserver';
import { waitFor } from '@voice-agent/testing';
import { AccessToken, RoomAgentDispatch, RoomConfiguration } from 'livekit-server-sdk';
import { expect } from 'vitest';
import { GeminiLiveStandIn, type StandInOptions } from '../testing/index.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const [KEY, SECRET] = ['devkey', 'secret'];

/** A dev server and a Gemini Live stand-in: what real workers need around them. */
export interface Stack {
  server: DevServer;
  standIn: GeminiLiveStandIn;
  config: string;
  close(): Promise<void>;
}

export async function startStack(
  standInOptions: StandInOptions = {},
  serverOptions: Omit<DevServerOptions, 'port'> = {},
): Promise<Stack> {
  const server = await startDevServer({ port: 0, ...serverOptions });
  const standIn = await GeminiLiveStandIn.start(standInOptions);
  const config = join(await mkdtemp(join(tmpdir(), 'voice-agent-fleet-')), 'config.json');
  await writeFile(config, JSON.stringify({ instructions: 'You are a test agent.' }));
  return {
    server,
    standIn,
    config,
    async close() {
      await server.close();
      await standIn.close();
    },
  };
}

/** `voice-agent-worker start` in its own process group, and what it printed. */
export interface CliWorker {
  child: ChildProcess;
  pid: number;
  output: string[];
  registered: Promise<void>;
  exited: Promise<number | string>;
  /** SIGKILL to the whole group: cleanup, never the test's subject. */
  killGroup(): void;
}

export function spawnCliWorker(
  stack: Stack,
  agentName: string,
  args: string[] = [],
  env: Record<string, string> = {},
): CliWorker {
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--config', stack.config, '--log-level', 'info', '--port', '0', ...args],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LIVEKIT_URL: stack.server.url,
        LIVEKIT_API_KEY: KEY,
        LIVEKIT_API_SECRET: SECRET,
        GOOGLE_API_KEY: 'test-key',
        GOOGLE_GEMINI_BASE_URL: stack.standIn.baseUrl,
        AGENT_NAME: agentName,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: cleanup kills the worker and everything it forked.
      detached: true,
    },
  );
  const output: string[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const registered = new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        if (line.includes('registered worker')) resolve();
      });
    }
    void exited.then((code) =>
      reject(new Error(`the worker exited (${code}):\n${output.join('\n')}`)),
    );
  });
  registered.catch(() => undefined);
  return {
    child,
    pid: child.pid ?? 0,
    output,
    registered,
    exited,
    killGroup: () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Live processes whose parent is `pid`, and theirs, from /proc (Linux). */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name in parentheses, which may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // exited while listing
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Whether a process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** A token for `visitor-<roomName>` that dispatches `agentName` to `roomName`. */
export function visitorToken(roomName: string, agentName: string): Promise<string> {
  const token = new AccessToken(KEY, SECRET, { identity: `visitor-${roomName}` });
  token.addGrant({ roomJoin: true, room: roomName, canPublish: true, canSubscribe: true });
  token.roomConfig = new RoomConfiguration({ agents: [new RoomAgentDispatch({ agentName })] });
  return token.toJwt();
}

/** A visitor (rtc-node) whose token dispatches `agentName` to `roomName`. */
export async function visitor(
  stack: Stack,
  roomName: string,
  agentName: string,
  options?: RoomOptions,
): Promise<{ room: Room; listening: Promise<RemoteParticipant> }> {
  const room = new Room();
  const listening = new Promise<RemoteParticipant>((resolve) =>
    room.on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => {
      if (participant.attributes['lk.agent.state'] === 'listening') {
        resolve(participant as RemoteParticipant);
      }
    }),
  );
  await room.connect(stack.server.url, await visitorToken(roomName, agentName), options);
  return { room, listening };
}

/** The port the worker printed for `GET /metrics`. */
export async function metricsPort(worker: CliWorker): Promise<number> {
  return waitFor(
    () => {
      const line = worker.output.find((l) => l.includes('serving metrics on /metrics'));
      return line ? Number((JSON.parse(line) as { port: number }).port) : undefined;
    },
    { what: 'the worker to print its metrics port' },
  );
}

/** The worker's metrics once `sample` reads `value` (job processes report asynchronously). */
export async function scrapeOnce(port: number, sample: string, value: number) {
  return waitFor(
    async () => {
      const read = await scrape(port);
      return read(sample) === value ? read : undefined;
    },
    { timeoutMs: 15_000, what: `${sample} to read ${value}` },
  );
}

/** One sample's value from a Prometheus text scrape, e.g. `voice_agent_jobs_total{result="accepted"}`. */
export async function scrape(port: number): Promise<(sample: string) => number | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return (sample) => {
    const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
    return line === undefined ? undefined : Number(line.slice(sample.length + 1));
  };
}
