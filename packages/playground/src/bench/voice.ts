import { type Reaction, tonePcm } from '@voice-agent/agent/testing';
// Types only: the widget's events on `document.querySelector('voice-agent')`.
import type {} from '@voice-agent/widget';
import type { Page } from 'playwright-core';
import type { Playground } from '../playground.js';
import { endSession } from './connect.js';
import { delays, onsetsIn } from './onsets.js';

/**
 * Time between tones in the microphone file; each tone is 400 ms. Not a multiple of the
 * Google plugin's 50 ms input chunks nor of 20 ms Opus frames, so each tone lands at another
 * point of them: with a round period every tone would wait the same 0 to 50 ms, and one
 * run's p50 would be a draw.
 */
export const TURN_PERIOD_MS = 2_013;
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
          answeredAt.push(Date.now());
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

/** Per turn: the whole delay, and its two halves around the stand-in's answer. */
export interface VoiceTurns {
  /** Tone onset in the microphone → answer onset heard in the page. */
  total: number[];
  /** Tone onset in the microphone → the stand-in sends its answer (page → dev server → worker → plugin → stand-in). */
  up: number[];
  /** The stand-in sends its answer → answer onset heard in the page (plugin → framework output → dev server → page). */
  down: number[];
}

/**
 * Starts a session, lets the greeting pass, then listens to `turns` tones. Clocks: the page's
 * `performance.timeOrigin + now()` and this process's `Date.now()`, both the system clock.
 */
export async function voiceTurns(
  page: Page,
  playground: Playground,
  answeredAt: number[],
  turns: number,
): Promise<VoiceTurns> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const widget = document.querySelector('voice-agent');
        widget?.addEventListener('voice-agent-state', (event) => {
          if (event.detail.state === 'listening') resolve();
        });
        void widget?.start();
      }),
  );
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const from = await page.evaluate(() => performance.timeOrigin + performance.now());
  await new Promise((resolve) => setTimeout(resolve, turns * TURN_PERIOD_MS));
  const mic = (await onsetsIn(page, 'mic')).filter((t) => t > from);
  const heard = await onsetsIn(page, 'remote');
  await endSession(page, playground);
  const result: VoiceTurns = { total: [], up: [], down: [] };
  mic.forEach((start, i) => {
    const end = mic[i + 1] ?? Number.POSITIVE_INFINITY;
    const answered = answeredAt.find((t) => t > start && t < end);
    const [total] = delays(
      [start],
      heard.filter((t) => t < end),
    );
    if (total === undefined || answered === undefined) return;
    result.total.push(total);
    result.up.push(answered - start);
    result.down.push(start + total - answered);
  });
  return result;
}
