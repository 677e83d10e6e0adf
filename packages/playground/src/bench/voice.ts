import { setTimeout as sleep } from 'node:timers/promises';
import { type Reaction, tonePcm } from '@voice-agent/agent/testing';
import { makeToneWav, waitFor } from '@voice-agent/testing';
// Types only: the widget's events on `document.querySelector('voice-agent')`.
import type {} from '@voice-agent/widget';
import type { Page } from 'playwright-core';
import type { BrowserStack } from './browser-stack.js';
import { type Floor, type FloorTurns, openFloor } from './floor-page.js';
import {
  type HopDelays,
  type JitterBuffer,
  jitterBufferBetween,
  jitterBufferIn,
  readHopLog,
  throughJob,
  traceHops,
} from './hops.js';
import { onsetsIn } from './onsets.js';
import { hangUp, startCall } from './page-call.js';
import { pageJitterBuffers } from './page-jitter.js';
import { progress } from './run/progress.js';
import { firstLine, Unmeasured } from './run/section.js';
import { ms, percentile } from './stats.js';

/**
 * Time between tones in the microphone file; each tone is 400 ms. 2,002 ms is 2 ms more than
 * a whole number of the 20 ms Opus frames and the agent's 20 ms input chunks: each tone meets
 * them 2 ms later than the one before, the ten tones of the file at every point of those 20
 * ms, so a round's p50 is over all of them, not one point drawn per call (`onsets.test.ts`
 * checks the spacing).
 */
export const TURN_PERIOD_MS = 2_002;
/**
 * Tones in the microphone file. Chromium's fake microphone loops a file in whole 10 ms
 * buffers: a file of one 2,013 ms tone came every 2,020 ms. Ten tones make 20,020 ms, whole
 * buffers, and the loop keeps the period.
 */
const TONES_PER_FILE = 10;

/** The bench's microphone: a WAV of `TONES_PER_FILE` tones, one every `TURN_PERIOD_MS`. */
export function voiceMicrophone(): Promise<string> {
  return makeToneWav({
    frequency: 440,
    durationMs: 400,
    silenceMs: TURN_PERIOD_MS - 400,
    repeat: TONES_PER_FILE,
  });
}
/** Silence the stand-in treats as "quiet" below, and how much tone makes it answer. */
const SPEECH_LEVEL = 0.01;
const SPEECH_MS = 20;

/** The bench's stand-in rules: a short chime for the greeting, an answer the moment a tone is heard. */
export function benchReactions(): { reactions: Reaction[]; answeredAt: number[] } {
  const answeredAt: number[] = [];
  const answer = tonePcm({ frequency: 880, durationMs: 300 });
  return {
    answeredAt,
    reactions: [
      {
        on: 'clientTurn',
        reply: [
          { type: 'audio', pcm: tonePcm({ frequency: 660, durationMs: 150 }) },
          { type: 'generationComplete' },
          { type: 'turnComplete' },
        ],
      },
      {
        on: 'speech',
        minLevel: SPEECH_LEVEL,
        minMs: SPEECH_MS,
        reply: () => {
          answeredAt.push(performance.timeOrigin + performance.now());
          return [
            { type: 'audio', pcm: answer },
            { type: 'generationComplete' },
            { type: 'turnComplete' },
          ];
        },
      },
    ],
  };
}

/** One round: a window of tones, the stack's turns and the floor's in the same window. */
export interface VoiceRound {
  /** Tones the microphone played in the stack's window. */
  tones: number;
  /** Of those, the tones the stand-in answered (heard in the page or not). */
  standInAnswered: number;
  /** Tone onset in the microphone → answer onset heard in the page, per answered tone. */
  total: number[];
  /** Tone onset in the microphone → the stand-in sends its answer (page → dev server → worker → plugin → stand-in). */
  up: number[];
  /** The stand-in sends its answer → answer onset heard in the page (plugin → framework output → dev server → page). */
  down: number[];
  /** Per hop of the turn (`HOPS` in hops.ts), the delays of the turns traced through all of them. */
  hops: HopDelays;
  /** The floor in the same window: the same tones browser → dev server → browser. */
  floor: FloorTurns;
  /** The job's WebRTC receiver of the visitor's audio in the window, if its stats were logged. */
  jitterBuffer?: JitterBuffer;
  /** The page receivers in the window (pinned, `pinJitterBuffers`): the stack's and the floor's. */
  pageJitterBuffers: { stack?: JitterBuffer; floor?: JitterBuffer };
}

/** How the voice section runs: rounds of tones, where the hops write, when to stop. */
export interface VoiceRoundOptions {
  rounds: number;
  turns: number;
  /** Tones played, not measured, before the first round (see `voiceRounds`). */
  warmUpTurns: number;
  /** The hop log the stack's processes write (`VOICE_AGENT_HOP_LOG`), if any. */
  hopLog?: string;
  signal: AbortSignal;
}

/** Past this, the session counts as not started (the widget's states are reported). */
const START_LIMIT_MS = 30_000;
/** The session's first answer to a tone: after the greeting and the page's tools. */
const FIRST_ANSWER_LIMIT_MS = 30_000;
/** After the last window: its last tone's answer may still be on its way. */
const LAST_ANSWER_MS = 1_500;

/** Fewer answered tones than this share fail a round: a stand-in that answers every tone lost them. */
const MIN_ANSWERED = 0.5;

/**
 * `rounds` sessions of the whole stack, one after another, each warmed up by `warmUpTurns`
 * tones that are not measured and then measured over `turns` tones, beside one call of the
 * floor that stays in its room throughout. Why a session per round: the job's WebRTC receiver
 * (rtc-node's NetEq, which nothing can set) settles on its jitter buffer once per call,
 * anywhere from 40 to 80 ms here, and keeps it; the windows of one session were alike, and
 * the figure moved with the one call a run had. The median of independent sessions moves less,
 * and the rounds' spread shows that draw. Both pages' receivers are pinned
 * (`pinJitterBuffers`), so a young one and an old one hold the same: no round waits for them
 * to settle. A round that cannot be measured (n = 0, most tones unanswered, a session that
 * did not start) is reported with its reason, and the section fails.
 */
export async function voiceRounds(
  { page, liveKit, newPage, answeredAt }: BrowserStack,
  { rounds, turns, warmUpTurns, hopLog, signal }: VoiceRoundOptions,
): Promise<VoiceRound[]> {
  if (rounds < 1 || turns < 1) throw new Error(`nothing to measure: ${rounds} × ${turns} tones`);
  progress('voice: the floor joins its room');
  const floor = await openFloor(liveKit, page, newPage);
  const readJitterBuffers = async () => {
    const [stack, floorListener] = await Promise.all([
      pageJitterBuffers(page),
      floor.jitterBuffer(),
    ]);
    return { stack, floor: floorListener };
  };
  const windows: Window[] = [];
  let stopped: string | undefined;
  try {
    for (let round = 1; round <= rounds && !stopped; round++) {
      progress(
        `voice: round ${round}/${rounds}: a new session, warmed up by ${warmUpTurns} tones (not measured)`,
      );
      try {
        await startSession(page, answeredAt);
        await sleep(warmUpTurns * TURN_PERIOD_MS, undefined, { signal });
        progress(`voice: round ${round}/${rounds}: the stack and the floor (${turns} tones)`);
        const from = await page.evaluate(() => performance.timeOrigin + performance.now());
        const atStart = await readJitterBuffers();
        await sleep(turns * TURN_PERIOD_MS, undefined, { signal });
        const atEnd = await readJitterBuffers();
        windows.push({
          from,
          to: from + turns * TURN_PERIOD_MS,
          pageJitterBuffers: {
            stack: jitterBufferBetween(atStart.stack, atEnd.stack),
            floor: jitterBufferBetween(atStart.floor, atEnd.floor),
          },
        });
        // The window's last tone: its answer may still be on its way.
        await sleep(LAST_ANSWER_MS, undefined, { signal });
      } catch (error) {
        stopped = signal.aborted ? 'out of time' : firstLine(error);
      } finally {
        await hangUp(page).catch(() => undefined);
      }
    }
    return await measureWindows(page, windows, floor, answeredAt, hopLog, rounds, stopped);
  } finally {
    await floor.close();
  }
}

/** Starts the page's session and waits until the stand-in has answered its first tone. */
async function startSession(page: Page, answeredAt: number[]): Promise<void> {
  const answeredBefore = answeredAt.length;
  await startCall(page, START_LIMIT_MS);
  // After the greeting and the page's tools (applied after it, a reconnect to Gemini).
  await waitFor(() => (answeredAt.length > answeredBefore ? true : undefined), {
    timeoutMs: FIRST_ANSWER_LIMIT_MS,
    intervalMs: 100,
    what: 'the first answer to a tone in the session',
  });
}

/** A round's window of time (ms, system clock), and its page receivers' jitter buffers. */
type Window = { from: number; to: number } & Pick<VoiceRound, 'pageJitterBuffers'>;

/** Each window's figures; throws `Unmeasured` (with them) if a window is not a figure. */
async function measureWindows(
  page: Page,
  windows: Window[],
  floor: Floor,
  answeredAt: number[],
  hopLog: string | undefined,
  rounds: number,
  stopped: string | undefined,
): Promise<VoiceRound[]> {
  const allMic = await onsetsIn(page, 'mic');
  const heard = await onsetsIn(page, 'remote');
  const log = hopLog ? await readHopLog(hopLog) : [];
  const result: VoiceRound[] = [];
  const failures: string[] = [];
  for (const [i, window] of windows.entries()) {
    const measured = {
      ...stackTurns(allMic, heard, answeredAt, window),
      hops: traceHops(allMic, window, log, answeredAt, heard),
      jitterBuffer: jitterBufferIn(log, window),
      pageJitterBuffers: window.pageJitterBuffers,
      floor: await floor.turns(window.from, window.to),
    };
    result.push(measured);
    const problem = roundProblem(measured);
    if (problem) failures.push(`round ${i + 1}: ${problem}`);
    progress(
      `voice: round ${i + 1}/${rounds}: ${measured.total.length}/${measured.tones} answers heard (the stand-in answered ${measured.standInAnswered}), p50 ${ms(percentile(measured.total, 50))}; floor ${measured.floor.delays.length}/${measured.floor.tones} heard, p50 ${ms(percentile(measured.floor.delays, 50))}${problem ? ` (${problem})` : ''}; hops p50 ${measured.hops.map((d) => ms(percentile(d, 50))).join(' + ')} (${measured.hops[0]?.length ?? 0} turns traced), through the job p50 ${ms(percentile(throughJob(measured.hops), 50))}`,
    );
  }
  if (windows.length < rounds) {
    failures.push(`rounds ${windows.length + 1} to ${rounds}: ${stopped ?? 'not run'}`);
  }
  if (failures.length > 0) throw new Unmeasured(failures.join('; '), result);
  return result;
}

/** Why a round's figures are not figures, if they are not. */
function roundProblem({ tones, standInAnswered, total, floor }: VoiceRound): string | undefined {
  if (tones === 0) return 'the microphone played no tone in the window';
  if (total.length < tones * MIN_ANSWERED) {
    return `${total.length} of ${tones} tones answered and heard (the stand-in answered ${standInAnswered})`;
  }
  if (floor.tones === 0) return 'the floor page played no tone';
  if (floor.delays.length < floor.tones * MIN_ANSWERED) {
    return `floor: ${floor.delays.length} of ${floor.tones} tones heard`;
  }
  return undefined;
}

/**
 * The stack's turns of one window. One clock: every process's `performance.timeOrigin +
 * now()`, the system clock below the millisecond.
 */
function stackTurns(
  allMic: number[],
  heard: number[],
  answeredAt: number[],
  { from, to }: { from: number; to: number },
): Omit<VoiceRound, 'floor' | 'hops' | 'pageJitterBuffers'> {
  const result = {
    tones: 0,
    standInAnswered: 0,
    total: [] as number[],
    up: [] as number[],
    down: [] as number[],
  };
  allMic.forEach((start, i) => {
    if (start <= from || start > to) return;
    result.tones++;
    const end = allMic[i + 1] ?? start + TURN_PERIOD_MS;
    const answered = answeredAt.find((t) => t > start && t < end);
    const answer = heard.find((t) => t > start && t < end);
    if (answered !== undefined) result.standInAnswered++;
    if (answer === undefined || answered === undefined) return;
    result.total.push(answer - start);
    result.up.push(answered - start);
    result.down.push(answer - answered);
  });
  return result;
}
