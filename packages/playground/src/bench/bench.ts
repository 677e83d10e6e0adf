import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setRtcNodeLogLevel } from '@voice-agent/testing';
import { type BrowserStack, type DevServerPlace, startBrowserStack } from './browser-stack.js';
import { measureCapacity } from './capacity.js';
import { connectTimes, connectTimesInDevMode } from './connect.js';
import { measureFailover } from './failover.js';
import { openHopLog } from './hops.js';
import { type BenchResults, report } from './report.js';
import { withBenchPart } from './report-page.js';
import { measureResume } from './resume.js';
import { resumeSection } from './resume-report.js';
import { stopEverythingOnSignals } from './run/cleanup.js';
import { withinLimit } from './run/limits.js';
import { elapsed, progress } from './run/progress.js';
import { type Outcome, runSection, setRunBudget } from './run/section.js';
import { widgetSizes } from './sizes.js';
import { soak } from './soak.js';
import { switchCost } from './switch.js';
import { tokenRatio } from './token-ratio.js';
import { voiceRounds } from './voice.js';

// `npm run bench` (root) or `npm run bench -w @voice-agent/playground`: connect time
// (prewarmed `start` worker, and the framework's `dev` mode as before), voice-to-voice latency
// of the whole stack beside the floor with its per-hop breakdown, a goAway switch, capacity
// with rtc-node participants, the widget's sizes, the token service's ratio and failover.
// When every section was measured it writes its part of the repository's
// docs/performance.md (between the marks of report-page.ts; the analysis around it is by
// hand). `npm run bench voice connect` runs some sections only and prints them without
// writing the file.

const OUTPUT = fileURLToPath(new URL('../../../../docs/performance.md', import.meta.url));
const SECTIONS = ['connect', 'voice', 'switch', 'capacity', 'sizes', 'token', 'failover'] as const;
/**
 * Run only when named (`npm run bench soak`, `npm run bench resume`): the soak is longer than
 * the whole run's 10 minutes, and the resume section's 3 minutes would take it past them.
 */
const OPT_IN_SECTIONS = ['soak', 'resume'] as const;
type Section = (typeof SECTIONS)[number];
/** Rounds of each repeated figure: the report shows each round and their median. */
const ROUNDS = 3;
/** Tones per voice round, each round a session of its own (about 2 s each): 36 turns over the three rounds. */
const VOICE_TURNS = 12;
/** Tones of each voice session before its round, not measured: the session's start (greeting, page tools, a Gemini reconnect) is over. */
const VOICE_WARM_UP_TURNS = 5;
/** Sessions per connect round: 6 in all with a prewarmed worker, 3 in the `dev` mode. */
const CONNECT_SESSIONS = 2;
const CONNECT_DEV_MODE_SESSIONS = 1;
const CAPACITY_LEVELS = [1, 2, 4, 8];
/** goAway switches measured (three 3 s turns each). */
const SWITCHES = 5;
/** Workers killed in the middle of a call (each about 18 s). */
const FAILOVER_KILLS = 4;
/** Calls, each with this many network drops (5 to 7.25 s) and as many reloads: 12 of each. */
const RESUME_ROUNDS = 3;
const RESUME_TRIES = 4;
/**
 * The bench itself, start-up and cleanup included: with `npm run bench`'s build of every
 * package first (about 60 s), the whole run stays under 10 minutes.
 */
const RUN_BUDGET_MS = 520_000;
/**
 * Time limits per section, each about 1.5 times what it took in a full run on the shared
 * 2-core machine at load 5 to 8 (voice 92 s, connect 33 s and 34 s, switch 58 s for 6
 * switches, token 34 s, failover about 19 s per kill). The run's budget cuts the later ones
 * if earlier ones ran long: they fail with "no time left" instead of the run overrunning.
 */
const LIMITS_MS: Record<Section | 'connectDevMode' | 'resume', number> = {
  voice: 210_000,
  switch: 90_000,
  connect: 60_000,
  connectDevMode: 60_000,
  capacity: 160_000,
  sizes: 30_000,
  token: 90_000,
  failover: 110_000,
  /** About 200 s: 60 s per round, the stack's start. */
  resume: 300_000,
};

/**
 * The soak (issue #15, item 6): sessions held, minutes, and where the worker's processes
 * write a CPU profile (`--cpu-prof`), from the environment so that a short profiled soak
 * needs no code change.
 */
const SOAK = {
  sessions: Number(process.env.VOICE_AGENT_SOAK_SESSIONS ?? 4),
  minutes: Number(process.env.VOICE_AGENT_SOAK_MINUTES ?? 10),
  sampleEveryMs: 30_000,
  cpuProfileDir: process.env.VOICE_AGENT_SOAK_CPU_PROFILE_DIR,
};

/** Voice, then connect, each on a browser stack of its own (`startBrowserStack`). */
async function browserSections(results: BenchResults, wanted: Set<string>): Promise<void> {
  if (wanted.has('voice')) {
    // Before the stack starts: its dev server and worker read the variable once.
    const hopLog = await openHopLog();
    try {
      await onBrowserStack(results, ['voice'], 'own process', async (stack) => {
        results.voice = await runSection('voice', LIMITS_MS.voice, (signal) =>
          voiceRounds(stack, {
            rounds: ROUNDS,
            turns: VOICE_TURNS,
            warmUpTurns: VOICE_WARM_UP_TURNS,
            hopLog: hopLog.file,
            signal,
          }),
        );
        return [results.voice];
      });
    } finally {
      await hopLog.close();
    }
  }
  if (!wanted.has('connect')) return;
  await onBrowserStack(results, ['connect'], 'this process', async (stack) => {
    const { playground, page } = stack;
    results.connect = await runSection('connect', LIMITS_MS.connect, (signal) =>
      connectTimes(page, playground, ROUNDS, CONNECT_SESSIONS, signal),
    );
    // Last: it replaces the playground's worker.
    results.connectDevMode = await runSection(
      'connect (dev mode)',
      LIMITS_MS.connectDevMode,
      (signal) =>
        connectTimesInDevMode(
          page,
          playground,
          ROUNDS,
          CONNECT_DEV_MODE_SESSIONS,
          stack.standInUrl,
          signal,
        ),
    );
    return [results.connect, results.connectDevMode];
  });
}

/**
 * Runs `sections` on a new browser stack, then stops it; a stack that does not start fails
 * them. If one of the outcomes `run` hands back failed, the agent worker's last warnings.
 */
async function onBrowserStack(
  results: BenchResults,
  sections: readonly ('voice' | 'connect')[],
  devServerPlace: DevServerPlace,
  run: (stack: BrowserStack) => Promise<(Outcome<unknown> | undefined)[]>,
): Promise<void> {
  progress(`starting the playground and Chromium (the dev server in ${devServerPlace})`);
  let stack: BrowserStack;
  const starting = startBrowserStack(devServerPlace);
  try {
    stack = await withinLimit(starting, 60_000, 'starting the playground');
  } catch (error) {
    // If it still comes up, it goes at once: the next sections need the machine.
    void starting.then(
      (late) => late.close(),
      () => undefined,
    );
    const reason = `the stack did not start: ${(error as Error).message}`;
    for (const section of sections) results[section] = failedBeforeStart(section, reason);
    return;
  }
  try {
    const outcomes = await run(stack);
    if (outcomes.some((outcome) => outcome && !outcome.ok) && stack.agentWarnings.length > 0) {
      progress(`the agent worker's last warnings:\n  ${stack.agentWarnings.join('\n  ')}`);
    }
  } finally {
    progress('stopping the playground and Chromium');
    await stack.close();
  }
}

function failedBeforeStart(section: string, reason: string): Outcome<never> {
  const load = loadavg()[0] ?? 0;
  progress(`${section}: FAILED: ${reason}`);
  return { section, ok: false, reason, load: { before: load, after: load }, seconds: 0 };
}

async function main(): Promise<number> {
  stopEverythingOnSignals();
  setRunBudget(RUN_BUDGET_MS);
  // The bench's own rtc-node participants (capacity): no debug lines in its output.
  setRtcNodeLogLevel('info');
  const loadAtStart = loadavg();
  const requested = process.argv.slice(2);
  const known: readonly string[] = [...SECTIONS, ...OPT_IN_SECTIONS];
  const unknown = requested.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown section(s): ${unknown.join(', ')}; sections: ${known.join(', ')}\n`,
    );
    return 2;
  }
  const wanted = new Set<string>(requested.length > 0 ? requested : SECTIONS);
  progress(
    `sections: ${[...wanted].join(', ')}; load ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')}`,
  );
  const results: BenchResults = {};
  if (wanted.has('connect') || wanted.has('voice')) await browserSections(results, wanted);
  if (wanted.has('switch')) {
    results.switch = await runSection('switch', LIMITS_MS.switch, (signal) =>
      switchCost(SWITCHES, signal),
    );
  }
  if (wanted.has('capacity')) {
    results.capacity = await runSection('capacity', LIMITS_MS.capacity, (signal) =>
      measureCapacity(CAPACITY_LEVELS, signal),
    );
  }
  if (wanted.has('sizes')) results.sizes = await runSection('sizes', LIMITS_MS.sizes, widgetSizes);
  if (wanted.has('token')) results.token = await runSection('token', LIMITS_MS.token, tokenRatio);
  if (wanted.has('failover'))
    results.failover = await runSection('failover', LIMITS_MS.failover, (signal) =>
      measureFailover(FAILOVER_KILLS, signal),
    );
  if (wanted.has('soak')) {
    // Its own limit: the soak's minutes, plus joining and stopping.
    setRunBudget(SOAK.minutes * 60_000 + 180_000);
    results.soak = await runSection('soak', SOAK.minutes * 60_000 + 120_000, (signal) =>
      soak({ ...SOAK, signal }),
    );
  }
  if (wanted.has('resume')) {
    setRunBudget(LIMITS_MS.resume + 60_000);
    results.resume = await runSection('resume', LIMITS_MS.resume, (signal) =>
      measureResume(RESUME_ROUNDS, RESUME_TRIES, signal),
    );
  }
  const text = report(results, loadAtStart) + resumeSection(results.resume);
  process.stdout.write(text);
  const failed = Object.values(results).filter((outcome) => !outcome.ok);
  progress(`finished in ${elapsed()}`);
  if (failed.length > 0) {
    progress(
      `not writing docs/performance.md: ${failed.map((f) => `${f.section} failed (${f.reason})`).join('; ')}`,
    );
    return 1;
  }
  if (requested.length === 0) {
    const page = await readFile(OUTPUT, 'utf8').catch(() => undefined);
    await writeFile(OUTPUT, withBenchPart(page, text));
    progress('wrote docs/performance.md');
  }
  return 0;
}

// Exit explicitly: rtc-node's native client keeps the event loop alive after its rooms left.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
