import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GeminiLiveStandIn } from '@voice-agent/agent/testing';
import { AccessToken, RoomAgentDispatch, RoomConfiguration } from 'livekit-server-sdk';
import { AGENT_CONFIG } from '../playground.js';
import { spawnWorker } from '../worker/worker-process.js';
import { TONE_PERIOD_MS, TonePartner } from './participant.js';
import { percentile } from './stats.js';
import { measureUsages, type Usage } from './usage.js';
import { benchReactions } from './voice.js';

/** The dev server's CLI, beside its package entry (`dist/index.js`). */
const DEV_SERVER_CLI = fileURLToPath(
  new URL('./cli.js', import.meta.resolve('@voice-agent/devserver')),
);
const AGENT_NAME = 'capacity-bench';
const MEASURE_MS = 15_000;
/** Turns each level measures at least: the first levels' p95 is the baseline, not one turn. */
const MIN_TURNS = 30;
const IDLE_BOOT_MS = 10_000;
/** After the agent listens: its greeting (3 s without the page's declaration) passes. */
const SETTLE_MS = 4_500;

/** One load level: N concurrent sessions. */
export interface CapacityLevel {
  sessions: number;
  /** Voice-to-voice delays of every session's turns in the window (rtc-node participant). */
  delays: number[];
  worker: Usage;
  devServer: Usage;
}

export interface CapacityResult {
  /** The worker (with its idle job processes) and the dev server with no session. */
  idle: { worker: Usage; devServer: Usage };
  levels: CapacityLevel[];
}

/** The dev server's CLI in its own process, so its CPU and memory are its own. */
async function spawnDevServer(
  keys: string,
): Promise<{ child: ChildProcess; url: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    [DEV_SERVER_CLI, '--port', '0', '--host', '127.0.0.1', '--keys', keys],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the dev server exited (${code})`)));
    if (!child.stdout) return reject(new Error('no stdout'));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /on (ws:\/\/\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
  });
  return { child, url, stop: () => child.kill('SIGKILL') };
}

/**
 * N concurrent sessions of headless rtc-node participants (each in its own room, sending a
 * tone about every 2 s) against one worker (`start`, 2 idle processes) and one dev server (its
 * own process), with the Gemini Live stand-in answering each tone at once. Levels are
 * cumulative: sessions stay while more join.
 */
export async function measureCapacity(levels: number[]): Promise<CapacityResult> {
  const { reactions } = benchReactions();
  const standIn = await GeminiLiveStandIn.start({ reactions });
  const secret = randomBytes(32).toString('hex');
  const devServer = await spawnDevServer(`bench: ${secret}`);
  const worker = spawnWorker({
    config: AGENT_CONFIG,
    env: {
      LIVEKIT_URL: devServer.url,
      LIVEKIT_API_KEY: 'bench',
      LIVEKIT_API_SECRET: secret,
      AGENT_NAME,
      VOICE_AGENT_TOOL_SECRET: 'bench',
      PLAYGROUND_BACKEND_URL: 'http://127.0.0.1:9',
      GOOGLE_API_KEY: 'bench',
      GOOGLE_GEMINI_BASE_URL: standIn.baseUrl,
    },
  });
  const partners: TonePartner[] = [];
  const pids = [worker.pid, devServer.child.pid ?? 0];
  try {
    await worker.registered;
    // Let the idle job processes (and the framework's inference process) finish booting.
    await new Promise((resolve) => setTimeout(resolve, IDLE_BOOT_MS));
    const [idleWorker, idleDevServer] = await measureUsages(pids, 3_000);
    const result: CapacityResult = {
      idle: { worker: idleWorker ?? zero(), devServer: idleDevServer ?? zero() },
      levels: [],
    };
    for (const sessions of levels) {
      const joining: TonePartner[] = [];
      while (partners.length + joining.length < sessions) {
        const partner = new TonePartner();
        await partner.join(devServer.url, await token(secret, partners.length + joining.length));
        joining.push(partner);
      }
      await Promise.all(joining.map((p) => p.agentListening));
      partners.push(...joining);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      for (const partner of partners) partner.startMeasuring();
      const windowMs = Math.max(MEASURE_MS, Math.ceil(MIN_TURNS / sessions) * TONE_PERIOD_MS);
      const [workerUsage, devServerUsage] = await measureUsages(pids, windowMs);
      result.levels.push({
        sessions,
        delays: partners.flatMap((p) => p.delays),
        worker: workerUsage ?? zero(),
        devServer: devServerUsage ?? zero(),
      });
    }
    return result;
  } finally {
    await Promise.all(partners.map((p) => p.leave().catch(() => undefined)));
    await worker.stop();
    devServer.stop();
    await standIn.close();
  }
}

function zero(): Usage {
  return { cpu: 0, rssMb: 0 };
}

function token(secret: string, index: number): Promise<string> {
  const at = new AccessToken('bench', secret, { identity: `visitor-${index}` });
  at.addGrant({ room: `capacity-${index}`, roomJoin: true, canPublish: true, canSubscribe: true });
  at.roomConfig = new RoomConfiguration({
    agents: [new RoomAgentDispatch({ agentName: AGENT_NAME })],
  });
  return at.toJwt();
}

/** The first level whose p95 is at least twice the first level's, if any. */
export function doublingLevel(levels: CapacityLevel[]): CapacityLevel | undefined {
  const base = percentile(levels[0]?.delays ?? [], 95);
  return levels.slice(1).find((level) => percentile(level.delays, 95) >= 2 * base);
}
