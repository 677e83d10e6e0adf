import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JobType, WorkerMessage } from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const ENV = {
  LIVEKIT_URL: 'ws://127.0.0.1:9',
  LIVEKIT_API_KEY: 'devkey',
  LIVEKIT_API_SECRET: 'devsecret-that-is-long-enough-for-hs256',
  GOOGLE_API_KEY: 'test-google-key',
};

let dir: string;
let config: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voice-agent-cli-'));
  config = join(dir, 'voice-agent.config.json');
  await writeFile(config, JSON.stringify({ instructions: 'You are a test agent.' }));
});

/** Stops a worker the way an operator would, so it also stops the processes it forked. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

afterEach(async () => {
  await Promise.all(children.splice(0).map(stop));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string | undefined>) {
  const { LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, GOOGLE_API_KEY, ...rest } = process.env;
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...rest, AGENT_NAME: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output })),
  );
  return { child, exited };
}

describe('voice-agent-worker', () => {
  it.each(Object.keys(ENV))('exits at start naming a missing %s', async (variable) => {
    const { exited } = run(['start', '--config', config], { ...ENV, [variable]: undefined });
    const { code, output } = await exited;
    expect(code).toBe(1);
    expect(output).toContain(`missing environment variable: ${variable}`);
  });

  it('exits naming every invalid field of a JSON config', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        instructions: '',
        voice: 3,
        clientTools: { enabled: true, allow: ['a b'] },
      }),
    );
    const { code, output } = await run(['start', '--config', bad], ENV).exited;
    expect(code).toBe(1);
    expect(output).toContain('config.instructions');
    expect(output).toContain('config.voice');
    expect(output).toContain('config.clientTools.allow[0]');
  });

  it('asks for the signing secret when the config has HTTP tools', async () => {
    const withHttp = join(dir, 'http.json');
    await writeFile(
      withHttp,
      JSON.stringify({
        instructions: 'x',
        tools: { http: [{ name: 'book', description: 'Book', url: 'https://example.test/book' }] },
      }),
    );
    const { code, output } = await run(['start', '--config', withHttp], ENV).exited;
    expect(code).toBe(1);
    expect(output).toContain('missing environment variable: VOICE_AGENT_TOOL_SECRET');
  });
});

function verifyJwt(token: string, secret: string): Record<string, unknown> {
  const [header, payload, signature] = token.split('.');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  if (expected !== signature) throw new Error('JWT signature does not verify');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
}

describe('worker registration over the /agent protocol', () => {
  let server: WebSocketServer;
  const registrations: { request: IncomingMessage; message: WorkerMessage }[] = [];

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (socket, request) => {
      socket.on('message', (data: Buffer) => {
        registrations.push({ request, message: WorkerMessage.fromBinary(new Uint8Array(data)) });
      });
    });
  });

  afterAll(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  it('registers under AGENT_NAME with a Bearer token signed by the API secret', async () => {
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { exited } = run(['dev', '--config', config, '--log-level', 'warn'], {
      ...ENV,
      LIVEKIT_URL: url,
      AGENT_NAME: 'concierge',
    });
    const deadline = Date.now() + 20_000;
    while (registrations.length === 0 && Date.now() < deadline) {
      const early = await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
      if (early) throw new Error(`worker exited: ${JSON.stringify(early)}`);
    }
    const [first] = registrations;
    if (!first) throw new Error('the worker never registered');
    expect(first.request.url).toMatch(/^\/agent/);
    expect(first.message.message.case).toBe('register');
    const register = first.message.message.value as { agentName: string; type: JobType };
    expect(register.agentName).toBe('concierge');
    expect(register.type).toBe(JobType.JT_ROOM);
    const bearer = /^Bearer (.+)$/.exec(first.request.headers.authorization ?? '')?.[1] ?? '';
    const claims = verifyJwt(bearer, ENV.LIVEKIT_API_SECRET);
    expect(claims.iss).toBe(ENV.LIVEKIT_API_KEY);
    expect(claims.video).toMatchObject({ agent: true });
  });
});

/** Job processes (the framework's `job_proc_lazy_main`) whose parent is `pid`, from /proc. */
function jobProcessesOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === pid && command.includes('job_proc')) children.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return children;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function until<T>(find: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const found = async () => (await find()) ?? expect.fail(`timed out waiting for ${what}`);
  return vi.waitFor(found, { timeout: 20_000, interval: 100 });
}

/** The worker's `/worker` info, once its HTTP server answers. */
function workerInfo(port: number): Promise<Record<string, unknown>> {
  return until(
    () =>
      fetch(`http://127.0.0.1:${port}/worker`).then(
        (response) => response.json() as Promise<Record<string, unknown>>,
        () => undefined,
      ),
    `the worker's HTTP server on port ${port}`,
  );
}

describe('worker options: health port, host, idle processes, load threshold', () => {
  let url: string;
  let server: WebSocketServer;

  beforeAll(async () => {
    // A LiveKit stand-in that accepts the worker's connection and never answers.
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves the worker info on --port and keeps --idle-processes job processes waiting', async () => {
    const port = await freePort();
    const args = ['dev', '--config', config, '--log-level', 'warn', '--host', '127.0.0.1'];
    const { child } = run([...args, `--port=${port}`, '--idle-processes', '3'], {
      ...ENV,
      LIVEKIT_URL: url,
      AGENT_NAME: 'prewarmed',
    });
    expect(await workerInfo(port)).toMatchObject({ agent_name: 'prewarmed', active_jobs: 0 });
    // dev mode keeps none by default: these job processes are the option's doing.
    const pid = child.pid ?? 0;
    await until(() => (jobProcessesOf(pid).length >= 3 ? true : undefined), '3 job processes');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(jobProcessesOf(pid)).toHaveLength(3);
  });

  it('runs start on any free port with --port 0 (the framework alone would take 8081)', async () => {
    const { child } = run(
      [
        'start',
        '--config',
        config,
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--load-threshold',
        'none',
      ],
      { ...ENV, LIVEKIT_URL: url },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const port = await until(() => {
      const match = /listening on port (\d+)/.exec(output);
      return match ? Number(match[1]) : undefined;
    }, 'the health port in the log');
    expect(port).not.toBe(8081);
    expect(await workerInfo(port)).toMatchObject({ agent_name: 'voice-agent' });
  });

  it.each([
    [['--idle-processes', '0'], '--idle-processes needs a whole number from 1 to 64, not "0"'],
    [['--port', '70000'], '--port needs a whole number from 0 to 65535, not "70000"'],
    [['--load-threshold', '1.5'], '--load-threshold needs a number above 0 and at most 1'],
    [['--host'], '--host needs a value'],
  ])('exits naming a bad option: %j', async (option, message) => {
    const { code, output } = await run(['start', '--config', config, ...option], ENV).exited;
    expect(code).toBe(1);
    expect(output).toContain(message);
  });
});
