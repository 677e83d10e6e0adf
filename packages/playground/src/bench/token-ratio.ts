import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { killGroup, onInterrupt } from './run/cleanup.js';

/** Beside the package's entry (`dist/index.js`); built by its `build`, not published. */
const SERVER_BENCH = fileURLToPath(
  new URL('./bench/bench.js', import.meta.resolve('@voice-agent/server')),
);

/** What the token service's own benchmark printed: the ratio line and its table. */
export interface TokenRatio {
  ratio: number;
  output: string;
}

/** The server's benchmark takes about 40 s; past this it is stopped and the section fails. */
const LIMIT_MS = 120_000;

/** Runs `packages/server`'s benchmark (Hono vs plain Express, about 40 s) and reads its ratio. */
export function tokenRatio(): Promise<TokenRatio> {
  return new Promise((resolve, reject) => {
    // Its own process group: it starts the two servers it compares as its children.
    const child = spawn(process.execPath, [SERVER_BENCH], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stop = () => killGroup(child.pid, 'SIGKILL');
    const forget = onInterrupt(stop);
    process.once('exit', stop);
    const timer = setTimeout(stop, LIMIT_MS);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      forget();
      process.off('exit', stop);
      const match = /throughput ratio Hono \/ Express: ([\d.]+)x/.exec(output);
      if (code === 0 && match?.[1]) resolve({ ratio: Number(match[1]), output: output.trim() });
      else {
        const how = signal === 'SIGKILL' ? `stopped after ${LIMIT_MS / 1000} s` : `exit ${code}`;
        reject(new Error(`the token service benchmark failed (${how}): ${output.slice(-500)}`));
      }
    });
  });
}
