import { setTimeout as sleep } from 'node:timers/promises';
import { GeminiLiveStandIn } from '@voice-agent/agent/testing';
import { AccessToken, RoomAgentDispatch, RoomConfiguration } from 'livekit-server-sdk';
import { AGENT_CONFIG } from '../playground.js';
import { spawnWorker } from '../worker/worker-process.js';
import { TONE_PERIOD_MS, TonePartner } from './participant.js';
import { onInterrupt } from './run/cleanup.js';
import { BENCH_API_KEY, spawnDevServer } from './run/dev-server-process.js';
import { withinLimit } from './run/limits.js';
import { progress } from './run/progress.js';
import { firstLine, Unmeasured } from './run/section.js';
import { percentile } from './stats.js';
import { measureWindow, type Usage } from './usage.js';
import { benchReactions } from './voice.js';

export const AGENT_NAME = 'capacity-bench';
const MEASURE_MS = 12_000;
/** Turns each level measures at least: the first levels' p95 is the baseline, not one turn. */
const MIN_TURNS = 10;
const IDLE_BOOT_MS = 10_000;
/** After the agent listens: its greeting (3 s without the page's declaration) passes. */
const SETTLE_MS = 4_500;
/** A participant joining its room (signalling, ICE, DTLS, publishing). */
const JOIN_LIMIT_MS = 15_000;
/** The visitors leaving their rooms at the end. */
const LEAVE_LIMIT_MS = 5_000;
/** Every agent of a level dispatched, joined and listening. */
const AGENTS_LIMIT_MS = 30_000;
/** Fewer answered tones than this share fail a level: the stand-in answers every tone. */
const MIN_ANSWERED = 0.5;

/** One load level: N concurrent sessions. */
export interface CapacityLevel {
  sessions: number;
  /** Tones sent in the window, across sessions (answered or not). */
  tones: number;
  /** Voice-to-voice delays of every session's turns in the window (rtc-node participant). */
  delays: number[];
  worker: Usage;
  devServer: Usage;
  /** The load: this process, the visitors and the stand-in (cores), and the whole machine's. */
  load: LoadCpu;
}

/** CPU (cores) of what stands in for the visitors and Gemini, and of the whole machine. */
export interface LoadCpu {
  /** The bench's process: the rtc-node visitors and the Gemini Live stand-in. */
  generator: number;
  /** Every process of the machine, neighbours included. */
  machine: number;
}

export interface CapacityResult {
  /** The worker (with its idle job processes) and the dev server with no session. */
  idle: { worker: Usage; devServer: Usage; load: LoadCpu };
  levels: CapacityLevel[];
  /** The level the machine could not hold, after p95 had doubled at a lower one, and why. */
  notHeld?: { sessions: number; reason: string };
  /** The load at which the worker reported itself FULL, if it did. */
  workerFullAt?: number;
}

/**
 * N concurrent sessions of headless rtc-node participants (each in its own room, sending a
 * tone about every 2 s) against one worker (`start`, 2 idle processes) and one dev server (its
 * own process), with the Gemini Live stand-in answering each tone at once. Levels are
 * cumulative: sessions stay while more join.
 */
export async function measureCapacity(
  levels: number[],
  signal: AbortSignal,
): Promise<CapacityResult> {
  if (levels.length === 0) throw new Error('nothing to measure: no level');
  const { reactions } = benchReactions();
  // Asked nothing about the wire: kept, its record would grow with every message of the run.
  const standIn = await GeminiLiveStandIn.start({ reactions, record: false });
  const devServer = await spawnDevServer().catch(async (error) => {
    await standIn.close();
    throw error;
  });
  const result: CapacityResult = {
    idle: { worker: zero(), devServer: zero(), load: { generator: 0, machine: 0 } },
    levels: [],
  };
  const worker = spawnWorker({
    config: AGENT_CONFIG,
    env: {
      LIVEKIT_URL: devServer.url,
      LIVEKIT_API_KEY: BENCH_API_KEY,
      LIVEKIT_API_SECRET: devServer.secret,
      AGENT_NAME,
      VOICE_AGENT_TOOL_SECRET: 'bench',
      PLAYGROUND_BACKEND_URL: 'http://127.0.0.1:9',
      GOOGLE_API_KEY: 'bench',
      GOOGLE_GEMINI_BASE_URL: standIn.baseUrl,
    },
    onLine: (line) => {
      // The framework's own words when its load passes the threshold.
      if (!line.includes('worker is at full capacity')) return;
      const load = /"load":([\d.]+)/.exec(line)?.[1];
      result.workerFullAt ??= Number(load ?? Number.NaN);
      progress(`capacity: the worker reports itself FULL at load ${load ?? '?'}`);
    },
  });
  const partners: TonePartner[] = [];
  const stopAll = async () => {
    // A room that does not leave in time is left behind: the process exits with the bench.
    const leaving = partners.map((p) => p.leave());
    await withinLimit(Promise.allSettled(leaving), LEAVE_LIMIT_MS, 'leaving').catch(
      () => undefined,
    );
    await worker.stop();
    devServer.stop();
    await standIn.close();
  };
  const forget = onInterrupt(stopAll);
  const pids = [worker.pid, devServer.child.pid ?? 0];
  try {
    await withinLimit(worker.registered, 40_000, 'the worker registering');
    progress('capacity: worker registered, letting its idle job processes boot');
    // Let the idle job processes (and the framework's inference process) finish booting.
    await sleep(IDLE_BOOT_MS, undefined, { signal });
    const idle = await measureWindow(pids, 3_000);
    const [idleWorker, idleDevServer] = idle.trees;
    result.idle = {
      worker: idleWorker ?? zero(),
      devServer: idleDevServer ?? zero(),
      load: { generator: idle.thisProcess, machine: idle.machine },
    };
    for (const sessions of levels) {
      signal.throwIfAborted();
      progress(`capacity: level ${sessions} session(s), joining ${sessions - partners.length}`);
      // All of a level's visitors join at once: the level is measured once all are there.
      const joining = Array.from({ length: sessions - partners.length }, () => new TonePartner());
      const joined = joining.map(async (partner, i) => {
        const index = partners.length + i;
        await withinLimit(
          partner.join(devServer.url, await token(devServer.secret, index)),
          JOIN_LIMIT_MS,
          `visitor ${index} joining its room`,
        );
      });
      const joinFailure = await Promise.all(joined).then(
        () => undefined,
        (error: Error) => `level ${sessions}: ${error.message}`,
      );
      // Counted even when a join failed, so that every room is left at the end.
      partners.push(...joining);
      const listening = joining.map(() => false);
      joining.forEach((p, i) => void p.agentListening.then(() => (listening[i] = true)));
      const failure =
        joinFailure ??
        (await withinLimit(
          Promise.all(joining.map((p) => p.agentListening)),
          AGENTS_LIMIT_MS,
          `level ${sessions}: agents listening`,
          () =>
            `${listening.filter(Boolean).length} of ${joining.length} new agents listening${result.workerFullAt === undefined ? '' : `; the worker reported FULL at load ${result.workerFullAt}`}`,
        ).then(
          () => undefined,
          (error: Error) => error.message,
        ));
      if (failure !== undefined) {
        endAtLevel(result, sessions, failure);
        break;
      }
      await sleep(SETTLE_MS, undefined, { signal });
      for (const partner of partners) partner.startMeasuring();
      const windowMs = Math.max(MEASURE_MS, Math.ceil(MIN_TURNS / sessions) * TONE_PERIOD_MS);
      progress(`capacity: level ${sessions}, measuring for ${(windowMs / 1000).toFixed(0)} s`);
      const window = await measureWindow(pids, windowMs);
      const [workerUsage, devServerUsage] = window.trees;
      const measured = partners.map((p) => p.measured());
      const level: CapacityLevel = {
        sessions,
        tones: measured.reduce((sum, m) => sum + m.tones, 0),
        delays: measured.flatMap((m) => m.delays),
        worker: workerUsage ?? zero(),
        devServer: devServerUsage ?? zero(),
        load: { generator: window.thisProcess, machine: window.machine },
      };
      result.levels.push(level);
      progress(
        `capacity: level ${sessions}: ${level.delays.length} of ${level.tones} tones answered`,
      );
      if (level.delays.length < level.tones * MIN_ANSWERED || level.delays.length === 0) {
        const deaf = partners.flatMap((p) => p.hearingFailure ?? []);
        const why = deaf.length > 0 ? `; ${deaf.length} visitor(s) could not hear: ${deaf[0]}` : '';
        endAtLevel(
          result,
          sessions,
          `level ${sessions}: ${level.delays.length} of ${level.tones} tones answered${why}`,
        );
        break;
      }
    }
    return result;
  } catch (error) {
    // Out of time or broken: the levels measured so far are still reported.
    throw error instanceof Unmeasured ? error : new Unmeasured(firstLine(error), result);
  } finally {
    await stopAll();
    forget();
  }
}

function zero(): Usage {
  return { cpu: 0, rssMb: 0 };
}

export function token(secret: string, index: number): Promise<string> {
  const at = new AccessToken(BENCH_API_KEY, secret, { identity: `visitor-${index}` });
  at.addGrant({ room: `capacity-${index}`, roomJoin: true, canPublish: true, canSubscribe: true });
  at.roomConfig = new RoomConfiguration({
    agents: [new RoomAgentDispatch({ agentName: AGENT_NAME })],
  });
  return at.toJwt();
}

/**
 * A level that could not be measured (agents or visitors not there in time, most tones
 * unanswered). Past a level where p95 had already doubled, that is the machine beyond its
 * capacity, and the section ends with what it measured (`notHeld`); before, it is a failure.
 */
export function endAtLevel(result: CapacityResult, sessions: number, reason: string): void {
  if (!doublingLevel(result.levels.filter((level) => level.sessions < sessions))) {
    throw new Unmeasured(reason, result);
  }
  result.notHeld = { sessions, reason };
}

/** The first level whose p95 is at least twice the first level's, if any. */
export function doublingLevel(levels: CapacityLevel[]): CapacityLevel | undefined {
  const base = percentile(levels[0]?.delays ?? [], 95);
  return levels.slice(1).find((level) => percentile(level.delays, 95) >= 2 * base);
}
