import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { killGroup } from './cleanup.js';

/** The dev server's CLI, beside its package entry (`dist/index.js`). */
const DEV_SERVER_CLI = fileURLToPath(
  new URL('./cli.js', import.meta.resolve('@voice-agent/devserver')),
);
/** The dev server's process printing the URL it listens on. */
const DEV_SERVER_LIMIT_MS = 30_000;
/** The API key the bench's dev servers know (its secret is new each time). */
export const BENCH_API_KEY = 'bench';

/** A dev server in a process of its own, and the key its tokens are signed with. */
export interface DevServerProcess {
  child: ChildProcess;
  url: string;
  /** The secret of `BENCH_API_KEY`. */
  secret: string;
  stop(): void;
}

/**
 * The dev server's CLI in its own process, as an SFU has a host of its own: its CPU and
 * memory are its own (capacity, soak), and the bench's own work (Playwright, the stand-in,
 * the figures) never holds a packet it forwards (voice).
 */
export async function spawnDevServer(): Promise<DevServerProcess> {
  const secret = randomBytes(32).toString('hex');
  const child = spawn(
    process.execPath,
    [DEV_SERVER_CLI, '--port', '0', '--host', '127.0.0.1', '--keys', `${BENCH_API_KEY}: ${secret}`],
    // Its own process group, so that stopping it (or this process exiting) stops it for sure.
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  const kill = () => killGroup(child.pid, 'SIGKILL');
  process.once('exit', kill);
  let timer: NodeJS.Timeout | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    timer = setTimeout(() => {
      kill();
      reject(new Error(`the dev server printed no URL within ${DEV_SERVER_LIMIT_MS / 1000} s`));
    }, DEV_SERVER_LIMIT_MS);
    child.once('exit', (code) => reject(new Error(`the dev server exited (${code})`)));
    if (!child.stdout) return reject(new Error('no stdout'));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /on (ws:\/\/\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
  }).finally(() => clearTimeout(timer));
  return {
    child,
    url,
    secret,
    stop: () => {
      kill();
      process.off('exit', kill);
    },
  };
}
