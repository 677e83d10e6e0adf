import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GeminiLiveStandIn } from '@voice-agent/agent/testing';
import { AGENT_CONFIG } from '../playground.js';
import { spawnWorker } from '../worker/worker-process.js';
import { AGENT_NAME, token } from './capacity.js';
import { TonePartner } from './participant.js';
import { onInterrupt } from './run/cleanup.js';
import { BENCH_API_KEY, spawnDevServer } from './run/dev-server-process.js';
import { withinLimit } from './run/limits.js';
import { progress } from './run/progress.js';
import { firstLine, Unmeasured } from './run/section.js';
import { processTree, readProcess, TICKS_PER_SECOND } from './usage.js';
import { benchReactions } from './voice.js';

/** How the soak runs: sessions held, for how long, how often it samples. */
export interface SoakOptions {
  sessions: number;
  minutes: number;
  sampleEveryMs: number;
  /** Profiles the worker and its job processes (`--cpu-prof` into this folder), when given. */
  cpuProfileDir?: string;
  signal: AbortSignal;
}

/** One job process over the soak: its memory at each sample, its CPU over the soak. */
export interface JobMemory {
  pid: number;
  /** Cores used on average over the soak (1 = one core busy). */
  cpu: number;
  /** Resident memory (MB) at each sample, with the sample's minute. */
  samples: { minute: number; rssMb: number }[];
}

export interface SoakResult {
  sessions: number;
  /** Minutes each sample was taken at, from the start of the measurement. */
  minutes: number[];
  jobs: JobMemory[];
  /** Per session, its answers so far at each sample. */
  answered: number[][];
  /** The worker's warnings and errors in the soak, by message, with their counts. */
  warnings: { message: string; count: number }[];
  /** Sessions (from 1) whose visitor could not read the agent's audio track, and why. */
  deaf: { session: number; reason: string }[];
}

const JOIN_LIMIT_MS = 15_000;
const AGENTS_LIMIT_MS = 30_000;
/** Job processes that wrote their CPU profile on the way out need longer than the default. */
const PROFILED_STOP_GRACE_MS = 30_000;

/**
 * Holds `sessions` rtc-node visitors (the capacity section's set-up: a tone about every 2 s,
 * the stand-in answering each) against one `start` worker for `minutes`, sampling each job
 * process's memory and every session's answers. A session that stops being answered is
 * reported by the report's lost-session column; the section fails if no answer came at all.
 */
export async function soak({
  sessions,
  minutes,
  sampleEveryMs,
  cpuProfileDir,
  signal,
}: SoakOptions): Promise<SoakResult> {
  const { reactions } = benchReactions();
  // Asked nothing about the wire: kept, its record would grow with every message of the run.
  const standIn = await GeminiLiveStandIn.start({ reactions, record: false });
  const devServer = await spawnDevServer().catch(async (error) => {
    await standIn.close();
    throw error;
  });
  const warnings = new Map<string, number>();
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
    // Node refuses --cpu-prof in NODE_OPTIONS; the job processes inherit the worker's.
    nodeArgs: cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [],
    onLine: (line) => {
      if (!measuring || !/^(warn|error|fatal) /.test(line)) return;
      const message = line.replace(/ \{.*$/, '').slice(0, 120);
      warnings.set(message, (warnings.get(message) ?? 0) + 1);
    },
  });
  let measuring = false;
  const partners = Array.from({ length: sessions }, () => new TonePartner());
  const stopAll = async () => {
    await withinLimit(Promise.allSettled(partners.map((p) => p.leave())), 5_000, 'leaving').catch(
      () => undefined,
    );
    await worker.stop(cpuProfileDir ? PROFILED_STOP_GRACE_MS : undefined);
    devServer.stop();
    await standIn.close();
  };
  const forget = onInterrupt(stopAll);
  const result: SoakResult = {
    sessions,
    minutes: [],
    jobs: [],
    answered: [],
    warnings: [],
    deaf: [],
  };
  try {
    await withinLimit(worker.registered, 40_000, 'the worker registering');
    await Promise.all(
      partners.map(async (partner, i) =>
        withinLimit(
          partner.join(devServer.url, await token(devServer.secret, i)),
          JOIN_LIMIT_MS,
          `visitor ${i} joining its room`,
        ),
      ),
    );
    await withinLimit(
      Promise.all(partners.map((p) => p.agentListening)),
      AGENTS_LIMIT_MS,
      'the agents listening',
    );
    await sleep(4_500, undefined, { signal });
    for (const partner of partners) partner.startMeasuring();
    measuring = true;
    const jobs = jobProcesses(worker.pid);
    const ticksAtStart = new Map(jobs.map((pid) => [pid, readProcess(pid)?.ticks ?? 0]));
    const started = performance.now();
    const memory = new Map(jobs.map((pid) => [pid, [] as JobMemory['samples']]));
    result.answered = partners.map(() => []);
    const sample = () => {
      const minute = (performance.now() - started) / 60_000;
      result.minutes.push(minute);
      for (const pid of jobs) {
        const rss = readProcess(pid)?.rssKb;
        if (rss !== undefined) memory.get(pid)?.push({ minute, rssMb: rss / 1024 });
      }
      partners.forEach((p, i) => {
        result.answered[i]?.push(p.delays.length);
      });
      result.deaf = partners.flatMap((p, i) =>
        p.hearingFailure ? [{ session: i + 1, reason: p.hearingFailure }] : [],
      );
    };
    sample();
    const samples = Math.round((minutes * 60_000) / sampleEveryMs);
    for (let i = 1; i <= samples && !signal.aborted; i++) {
      await sleep(sampleEveryMs, undefined, { signal }).catch(() => undefined);
      sample();
      const answers = partners.reduce((sum, p) => sum + p.delays.length, 0);
      progress(
        `soak: ${(result.minutes.at(-1) ?? 0).toFixed(1)} of ${minutes} min, ${answers} answers, job processes ${[...memory.values()].map((s) => (s.at(-1)?.rssMb ?? 0).toFixed(0)).join(' / ')} MB`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    result.jobs = jobs.map((pid) => ({
      pid,
      cpu:
        ((readProcess(pid)?.ticks ?? 0) - (ticksAtStart.get(pid) ?? 0)) /
        TICKS_PER_SECOND /
        seconds,
      samples: memory.get(pid) ?? [],
    }));
    result.warnings = [...warnings]
      .map(([message, count]) => ({ message, count }))
      .sort((a, b) => b.count - a.count);
    const answers = result.answered.reduce((sum, a) => sum + (a.at(-1) ?? 0), 0);
    if (answers === 0) {
      const why = result.deaf[0]
        ? `; ${result.deaf.length} visitor(s) could not hear: ${result.deaf[0].reason}`
        : '';
      throw new Unmeasured(`no tone answered in the soak${why}`, result);
    }
    return result;
  } catch (error) {
    throw error instanceof Unmeasured ? error : new Unmeasured(firstLine(error), result);
  } finally {
    measuring = false;
    await stopAll();
    forget();
  }
}

/** The framework's job processes under the worker (its `job_proc_lazy_main` forks). */
function jobProcesses(workerPid: number): number[] {
  return processTree(workerPid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('job_proc_lazy_main');
    } catch {
      return false;
    }
  });
}
