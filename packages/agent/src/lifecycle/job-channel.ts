import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Set by the worker: the Unix socket its job processes report to and hear from. The
 * framework's own IPC channel to a job process is private to the framework (no handle on the
 * worker's side), so the worker opens this one next to it.
 */
export const JOB_CHANNEL_VARIABLE = 'VOICE_AGENT_JOB_CHANNEL';

/** Job process → worker: what happened in a call, for the worker's metrics. */
export type JobEvent =
  | { type: 'session'; state: 'started' | 'ended' | 'failed' }
  | { type: 'first-answer'; seconds: number }
  | { type: 'response'; seconds: number }
  | { type: 'tool-call'; kind: string; outcome: 'ok' | 'error' }
  | { type: 'preconnect-audio'; seconds: number }
  | { type: 'gemini-reconnect'; cause: string }
  /** The call went on with a conversation a previous agent of its room stored. */
  | { type: 'resumed'; turns: number };

/** Worker → job processes. `drain`: the worker is shutting down; end calls by `deadline` (epoch ms). */
export type WorkerNotice = { type: 'drain'; deadline: number };

/** The worker's end: receives job events, broadcasts notices to every job process. */
export class JobChannelServer {
  readonly #sockets = new Set<Socket>();
  #lastNotice: WorkerNotice | undefined;

  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {}

  static async open(onEvent: (event: JobEvent) => void): Promise<JobChannelServer> {
    const dir = await mkdtemp(join(tmpdir(), 'voice-agent-worker-'));
    const path = join(dir, 'jobs.sock');
    const server = createServer();
    const channel = new JobChannelServer(path, server);
    server.on('connection', (socket) => channel.#accept(socket, onEvent));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return channel;
  }

  #accept(socket: Socket, onEvent: (event: JobEvent) => void): void {
    this.#sockets.add(socket);
    // A job process that dies in a call never says the call ended: it failed.
    let inCall = false;
    socket.on('close', () => {
      this.#sockets.delete(socket);
      if (inCall) onEvent({ type: 'session', state: 'failed' });
    });
    socket.on('error', () => socket.destroy());
    createInterface({ input: socket })
      // readline re-emits its input's errors; the socket's own handler above deals with them.
      .on('error', () => undefined)
      .on('line', (line) => {
        let event: JobEvent;
        try {
          event = JSON.parse(line) as JobEvent;
        } catch {
          return; // a torn line from a dying process
        }
        if (event.type === 'session') inCall = event.state === 'started';
        onEvent(event);
      });
    // A job that starts during a drain learns of it at once.
    if (this.#lastNotice) socket.write(`${JSON.stringify(this.#lastNotice)}\n`);
  }

  /** Sends `notice` to every job process, now and as they connect. */
  broadcast(notice: WorkerNotice): void {
    this.#lastNotice = notice;
    for (const socket of this.#sockets) socket.write(`${JSON.stringify(notice)}\n`);
  }

  close(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.server.close();
  }
}

/** A job process's end, or nothing outside a worker that opened a channel. */
export class JobChannelClient {
  readonly #socket: Socket | undefined;

  constructor(onNotice: (notice: WorkerNotice) => void, path = process.env[JOB_CHANNEL_VARIABLE]) {
    if (!path) return;
    const socket = connect(path);
    this.#socket = socket;
    socket.on('error', () => undefined);
    socket.unref();
    // readline re-emits its input's errors: unheard, a worker's death (ECONNRESET) would kill
    // this process before the call could tell its visitor why it ends.
    createInterface({ input: socket })
      .on('error', () => undefined)
      .on('line', (line) => {
        try {
          onNotice(JSON.parse(line) as WorkerNotice);
        } catch {
          // ignore a torn line
        }
      });
  }

  send(event: JobEvent): void {
    this.#socket?.write(`${JSON.stringify(event)}\n`);
  }

  close(): void {
    this.#socket?.end();
  }
}
