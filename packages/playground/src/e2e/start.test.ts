import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ParticipantKind, Room, RoomEvent } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { offlineEnv } from './env.js';
import { descendants, isListening, isRunning } from './processes.js';

// `npm start` as a user runs it: the built CLI in its own process. It must print one URL,
// serve the page, and leave nothing behind on Ctrl+C or SIGTERM: no process, no open port.

const START = fileURLToPath(new URL('../../dist/start.js', import.meta.url));

interface Started {
  child: ChildProcess;
  output: string[];
  url: string;
  /** Every port the playground printed (dev server, stand-in, backend, page). */
  ports: number[];
  exited: Promise<number | null>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  }
});

async function startCli(): Promise<Started> {
  const env = offlineEnv({ PORT: '0' });
  const child = spawn(process.execPath, [START], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => output.push(line));
  }
  const url = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`start exited:\n${output.join('\n')}`);
      return /Open (http:\/\/\S+)/.exec(output.join('\n'))?.[1];
    },
    { timeoutMs: 60_000, what: 'the URL to open' },
  );
  const ports = [...output.join('\n').matchAll(/(?:ws|http):\/\/127\.0\.0\.1:(\d+)/g)].map((m) =>
    Number(m[1]),
  );
  return { child, output, url, ports: [...new Set(ports)], exited };
}

/** A visitor joins through the token service with LiveKit's Node client: a job starts. */
async function joinAsVisitor(url: string): Promise<Room> {
  const response = await fetch(new URL('/token', url), {
    method: 'POST',
    headers: { origin: new URL(url).origin, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(200);
  const { server_url, participant_token } = (await response.json()) as Record<string, string>;
  const room = new Room();
  const agentJoined = new Promise<void>((resolve) => {
    room.on(RoomEvent.ParticipantConnected, (participant) => {
      if (participant.kind === ParticipantKind.AGENT) resolve();
    });
  });
  await room.connect(server_url ?? '', participant_token ?? '');
  await agentJoined;
  return room;
}

async function expectAllGone(pids: number[], ports: number[]): Promise<void> {
  await waitFor(() => (pids.every((pid) => !isRunning(pid)) ? true : undefined), {
    timeoutMs: 15_000,
    what: 'every child process to exit',
  });
  for (const port of ports) expect(await isListening(port)).toBe(false);
}

describe('npm start (packages/playground/dist/start.js)', () => {
  it('prints one URL serving the page in offline demo mode; Ctrl+C during a call leaves no process and no port', async () => {
    const started = await startCli();
    expect(started.output.filter((line) => line.includes('Open http'))).toHaveLength(1);
    expect(started.output.join('\n')).toContain('OFFLINE DEMO MODE');
    const page = await fetch(started.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<voice-agent');
    expect(html).toContain('/widget/voice-agent.js');
    expect((await fetch(new URL('/widget/voice-agent.js', started.url))).status).toBe(200);
    const settings = await (await fetch(new URL('/playground.json', started.url))).json();
    expect(settings).toMatchObject({ offlineDemo: true });

    const room = await joinAsVisitor(started.url);
    const pid = started.child.pid ?? 0;
    // The worker and the job process it forked for this room.
    const children = await waitFor(
      () => {
        const found = descendants(pid);
        return found.length >= 2 ? found : undefined;
      },
      { what: 'the worker and its job process' },
    );
    expect(started.ports.length).toBeGreaterThanOrEqual(4);

    started.child.kill('SIGINT');
    expect(await started.exited).toBe(0);
    await room.disconnect();
    await expectAllGone([pid, ...children], started.ports);
  });

  it('stops everything, and says why, when the agent worker dies', async () => {
    const started = await startCli();
    const pid = started.child.pid ?? 0;
    const [worker, ...rest] = descendants(pid);
    expect(worker).toBeDefined();
    process.kill(worker ?? 0, 'SIGKILL');
    expect(await started.exited).toBe(1);
    expect(started.output.join('\n')).toContain('the agent worker exited (SIGKILL)');
    await expectAllGone([pid, ...rest], started.ports);
  });

  it('stops everything on SIGTERM', async () => {
    const started = await startCli();
    const pid = started.child.pid ?? 0;
    const children = descendants(pid);
    expect(children.length).toBeGreaterThanOrEqual(1);
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    await expectAllGone([pid, ...children], started.ports);
  });
});
