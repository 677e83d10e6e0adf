import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/**
 * `npm run bench`: autocannon against our `POST /token` (Hono on @hono/node-server) and the
 * same endpoint in plain Express, in the same run. Each server runs in its own process, so
 * autocannon does not share its event loop. Throughput rounds alternate between the two, so
 * load from other work on the machine hits both alike; latency is then taken at a fixed rate
 * below saturation, where it measures the service rather than the queue.
 */
const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;
const ROUND_SECONDS = 4;
const ROUNDS = 2;
const LATENCY_RATE = 1000;
const LATENCY_SECONDS = 4;
const SERVE = fileURLToPath(new URL('./serve.js', import.meta.url));

interface Server {
  name: string;
  port: number;
  stop: () => void;
}

async function startServer(name: string, which: string): Promise<Server> {
  const child = spawn(process.execPath, [SERVE, which], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${which} server exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /port (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
  });
  return { name, port, stop: () => child.kill('SIGTERM') };
}

async function load(server: Server, duration: number, rate?: number): Promise<autocannon.Result> {
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/token`,
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:5173' },
    body: JSON.stringify({ room_config: { agents: [{ agent_name: 'voice-agent' }] } }),
    connections: CONNECTIONS,
    duration,
    ...(rate ? { overallRate: rate } : {}),
  });
  if (result.non2xx + result.errors + result.timeouts > 0) {
    throw new Error(`${server.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return result;
}

async function main(): Promise<void> {
  console.log(
    `POST /token, ${CONNECTIONS} connections; ${ROUNDS} alternating ${ROUND_SECONDS} s throughput ` +
      `rounds each, then latency at ${LATENCY_RATE} req/s; ${cpus().length} cores ` +
      `(${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`,
  );
  // Other work on the machine skews both servers, latency most: print it with the figures.
  const loadAverage = () => loadavg()[0]?.toFixed(2) ?? '?';
  console.log(`load average before: ${loadAverage()}`);
  const servers = [
    await startServer('@voice-agent/server (Hono)', 'hono'),
    await startServer('plain Express 5', 'express'),
  ];
  try {
    for (const server of servers) await load(server, WARMUP_SECONDS);
    const throughput = new Map<Server, number[]>(servers.map((server) => [server, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const server of servers) {
        throughput.get(server)?.push((await load(server, ROUND_SECONDS)).requests.average);
      }
    }
    const rows = [];
    for (const server of servers) {
      const latency = (await load(server, LATENCY_SECONDS, LATENCY_RATE)).latency;
      const rounds = throughput.get(server) ?? [];
      rows.push({
        server: server.name,
        'req/s': Math.round(rounds.reduce((sum, value) => sum + value, 0) / rounds.length),
        [`p50 ms @${LATENCY_RATE}/s`]: latency.p50,
        [`p99 ms @${LATENCY_RATE}/s`]: latency.p99,
      });
    }
    console.log(`load average after: ${loadAverage()}`);
    console.table(rows);
    const [hono, express] = rows;
    const ratio = (hono?.['req/s'] ?? 0) / (express?.['req/s'] ?? 1);
    console.log(`throughput ratio Hono / Express: ${ratio.toFixed(2)}x (target >= 3x)`);
  } finally {
    for (const server of servers) server.stop();
  }
}

await main();
