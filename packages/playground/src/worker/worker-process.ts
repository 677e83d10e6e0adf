import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);

/** The agent package's CLI (`voice-agent-worker`), resolved through its package.json. */
export const WORKER_CLI = join(
  dirname(require.resolve('@voice-agent/agent/package.json')),
  'dist',
  'cli.js',
);

export interface WorkerProcessOptions {
  /** The agent config file. */
  config: string;
  /** The worker's environment (LiveKit, Google, tool secret, …), on top of PATH and HOME. */
  env: Record<string, string>;
  /** Receives every line the worker prints. */
  onLine?: (line: string) => void;
  /**
   * Node options for the worker, before its script (e.g. `--cpu-prof`, which NODE_OPTIONS
   * refuses); the framework forks its job processes with the worker's, so they get them too.
   */
  nodeArgs?: string[];
  /** How long to wait for the worker to register with LiveKit. Default 30 s. */
  registerTimeoutMs?: number;
  /** Job processes kept started and waiting, so a visitor never waits for one to boot. Default 2. */
  idleProcesses?: number;
  /**
   * `start` (default; see `spawnWorker`) or the framework's `dev` mode, which forks a fresh
   * job process per job: the benchmark's "before".
   */
  mode?: 'start' | 'dev';
}

/** A running agent worker: the CLI in its own process group, with the job processes it forks. */
export interface WorkerProcess {
  pid: number;
  /** Resolves once the worker has registered with the LiveKit server. */
  registered: Promise<void>;
  /** Resolves with the exit code (or signal) when the worker has exited. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL to the whole process group after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

// VOICE_AGENT_HOP_LOG: the benchmark's per-hop timestamps (packages/agent/src/hops), opt-in.
const PASSED_THROUGH = [
  'PATH',
  'HOME',
  'LANG',
  'TMPDIR',
  'NODE_OPTIONS',
  'NODE_EXTRA_CA_CERTS',
  'VOICE_AGENT_HOP_LOG',
];

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // Negative pid: the worker and every job process it forked share its process group.
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * The framework logs JSON lines in `start` mode: keep them readable as `level message`.
 * Other lines (a crash's stack, the framework's own prints) pass through unchanged.
 */
export function readableLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const { level, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
    if (typeof msg !== 'string') return line;
    const { time: _time, pid: _pid, hostname: _hostname, ...fields } = rest;
    const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    return `${LEVELS[Number(level)] ?? 'log'} ${msg}${extra}`;
  } catch {
    return line;
  }
}

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/**
 * Spawns `voice-agent-worker start --config <file>` with prewarmed job processes, so a job
 * starts in a process that has already loaded the framework and the Google plugin (`dev`
 * forks a fresh one per job: seconds on a busy machine). The health port is any free one
 * on loopback (not `start`'s fixed 8081), and the CPU limit is off: on a shared laptop the
 * default 70% would refuse a local visitor. The worker runs in its own process group, so
 * stopping it also stops its job processes.
 */
export function spawnWorker(options: WorkerProcessOptions): WorkerProcess {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const common = ['--config', options.config, '--log-level', 'info'];
  const args =
    options.mode === 'dev'
      ? [...(options.nodeArgs ?? []), WORKER_CLI, 'dev', ...common]
      : [
          ...(options.nodeArgs ?? []),
          WORKER_CLI,
          'start',
          ...common,
          ...['--port', '0', '--host', '127.0.0.1'],
          ...['--idle-processes', String(options.idleProcesses ?? 2), '--load-threshold', 'none'],
        ];
  const child = spawn(process.execPath, args, {
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  // The framework logs "registered worker" once LiveKit accepted it.
  const registered = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the agent worker did not register with LiveKit in time')),
      options.registerTimeoutMs ?? 30_000,
    );
    const onLine = (raw: string) => {
      const line = readableLogLine(raw);
      options.onLine?.(line);
      if (line.includes('registered worker')) {
        clearTimeout(timer);
        resolve();
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', onLine);
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the agent worker exited (${code}) before registering`));
    });
  });
  registered.catch(() => undefined);
  // Never leave the worker behind, even if this process exits without stopping it.
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  return {
    pid: child.pid ?? 0,
    registered,
    exited,
    async stop(graceMs = 5_000) {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Job processes may outlive their parent's exit for a moment: end the group.
      killGroup(child, 'SIGKILL');
      process.off('exit', onExit);
    },
  };
}
