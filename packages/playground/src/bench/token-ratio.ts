import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Beside the package's entry (`dist/index.js`); built by its `build`, not published. */
const SERVER_BENCH = fileURLToPath(
  new URL('./bench/bench.js', import.meta.resolve('@voice-agent/server')),
);

/** What the token service's own benchmark printed: the ratio line and its table. */
export interface TokenRatio {
  ratio: number;
  output: string;
}

/** Runs `packages/server`'s benchmark (Hono vs plain Express, about 40 s) and reads its ratio. */
export function tokenRatio(): Promise<TokenRatio> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER_BENCH], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      const match = /throughput ratio Hono \/ Express: ([\d.]+)x/.exec(output);
      if (code === 0 && match?.[1]) resolve({ ratio: Number(match[1]), output: output.trim() });
      else reject(new Error(`the token service benchmark failed (${code}):\n${output}`));
    });
  });
}
