import { readFileSync } from 'node:fs';
import { Room, RoomEvent } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  alive,
  type CliWorker,
  descendants,
  type Stack,
  spawnCliWorker,
  startStack,
  visitorToken,
} from '../lifecycle/stack.test-helper.js';
import { REFILL_DEFERRAL_LIMIT_MS } from './idle-process-refill.js';

// A real worker (CLI) with 2 idle job processes. @livekit/agents 1.9.0 boots the replacement
// of a taken process at once, on the cores where the job is connecting; the worker defers it
// (src/framework/idle-process-refill.ts) while the other idle process is still waiting.

const AGENT = 'refill-agent';
// Debug: the job processes log when they are booted, and only booted ones are waiting.
const ARGS = ['--idle-processes', '2', '--load-threshold', 'none', '--log-level', 'debug'];

let stack: Stack;
const workers: CliWorker[] = [];
const rooms: Room[] = [];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.close();
});
afterEach(async () => {
  await Promise.all(rooms.splice(0).map((room) => room.disconnect().catch(() => undefined)));
  for (const worker of workers.splice(0)) worker.killGroup();
});

/** The worker's job processes over time: when each count was first reached. */
interface ProcessCount {
  now(): number;
  /** When the worker first had `count` job processes, if it has had. */
  reached(count: number): number | undefined;
  stop(): void;
}

/** Whether `pid` runs the framework's job process (the worker also forks an inference one). */
function isJobProcess(pid: number): boolean {
  try {
    return (
      alive(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('job_proc_lazy_main')
    );
  } catch {
    return false; // exited meanwhile
  }
}

function countProcesses(worker: CliWorker): ProcessCount {
  const firstAt = new Map<number, number>();
  const read = () => descendants(worker.pid).filter(isJobProcess).length;
  const sample = () => {
    const count = read();
    if (!firstAt.has(count)) firstAt.set(count, Date.now());
  };
  sample();
  const timer = setInterval(sample, 20);
  return {
    now: read,
    reached: (count) => [...firstAt].find(([seen]) => seen >= count)?.[1],
    stop: () => clearInterval(timer),
  };
}

/** A worker whose 2 idle processes are booted and waiting. */
async function workerWithTwoIdle(): Promise<ProcessCount> {
  const worker = spawnCliWorker(stack, AGENT, ARGS);
  workers.push(worker);
  await worker.registered;
  await waitFor(
    () =>
      worker.output.filter((line) => line.includes('job runner initialized')).length >= 2 ||
      undefined,
    { timeoutMs: 30_000, what: 'two idle job processes to boot' },
  );
  const processes = countProcesses(worker);
  expect(processes.now()).toBe(2);
  return processes;
}

/** A visitor whose token dispatches the agent to `roomName`; resolves when the agent joined. */
async function call(
  roomName: string,
): Promise<{ agentJoinedAt: number; listening: Promise<void> }> {
  const room = new Room();
  rooms.push(room);
  const joined = new Promise<number>((resolve) =>
    room.on(RoomEvent.ParticipantConnected, () => resolve(Date.now())),
  );
  const listening = new Promise<void>((resolve) =>
    room.on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => {
      if (participant.attributes['lk.agent.state'] === 'listening') resolve();
    }),
  );
  await room.connect(stack.server.url, await visitorToken(roomName, AGENT));
  return { agentJoinedAt: await joined, listening };
}

describe('the replacement of an idle process a job takes', { timeout: 60_000 }, () => {
  it('boots once the job is in its call, not while it connects, when the other one still waits', async () => {
    const processes = await workerWithTwoIdle();
    try {
      const { agentJoinedAt, listening } = await call('refill-call');
      await listening;
      const bootedAt = await waitFor(() => processes.reached(3), {
        what: 'the replacement to boot',
      });
      // Booted as the framework does it, the replacement starts before the job's agent joins.
      expect(bootedAt).toBeGreaterThan(agentJoinedAt);
      // The job's word, not the limit, ended the wait.
      expect(bootedAt - agentJoinedAt).toBeLessThan(REFILL_DEFERRAL_LIMIT_MS - 1_000);
    } finally {
      processes.stop();
    }
  });

  it('boots at once when a burst takes both idle processes', async () => {
    const processes = await workerWithTwoIdle();
    try {
      const calls = await Promise.all([call('refill-burst-1'), call('refill-burst-2')]);
      const bootedAt = await waitFor(() => processes.reached(3), {
        what: 'a replacement to boot',
      });
      // Before both jobs' agents are in their rooms, let alone in their calls.
      expect(bootedAt).toBeLessThan(Math.max(...calls.map((c) => c.agentJoinedAt)));
      // Both replacements: the first job's is no longer held back either.
      await waitFor(() => processes.reached(4), {
        timeoutMs: 15_000,
        what: 'the second replacement to boot',
      });
    } finally {
      processes.stop();
    }
  });
});
