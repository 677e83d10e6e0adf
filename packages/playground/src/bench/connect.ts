import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import type { Playground } from '../playground.js';
import { AGENT_CONFIG } from '../playground.js';
import { spawnWorker } from '../worker/worker-process.js';
import { endCall, type StartedCall, startCall } from './page-call.js';
import { onInterrupt } from './run/cleanup.js';
import { withinLimit } from './run/limits.js';
import { progress } from './run/progress.js';
import { firstLine, Unmeasured } from './run/section.js';

/** One session's connect time, and the part of it spent fetching the token. */
export type ConnectSample = StartedCall;

/** Rounds of sessions: each round's samples, so that the report can show the spread. */
export type ConnectRounds = ConnectSample[][];

/**
 * A visitor arrives at an idle worker: once a job is in its call, the worker boots a
 * replacement idle process, which on this 2-core machine would otherwise compete with the next
 * session.
 */
const PAUSE_BETWEEN_SESSIONS_MS = 3_000;
/** Past this, a session counts as not connected (the widget's states are reported). */
const CONNECT_LIMIT_MS = 20_000;

/**
 * Starts and ends `sessions` sessions per round in the page, `PAUSE_BETWEEN_SESSIONS_MS`
 * apart. A session that does not connect is reported (and the section fails) after the rest
 * ran.
 */
export async function connectTimes(
  page: Page,
  playground: Playground,
  rounds: number,
  sessions: number,
  signal: AbortSignal,
  label = 'connect',
): Promise<ConnectRounds> {
  if (rounds < 1 || sessions < 1) throw new Error(`nothing to measure: ${rounds} × ${sessions}`);
  // Each session must not meet the last one's job: its end is read from the dev server.
  const devServer = playground.devServer;
  if (!devServer) throw new Error("connect needs the playground's own dev server");
  const result: ConnectRounds = [];
  const failures: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    const samples: ConnectSample[] = [];
    result.push(samples);
    for (let i = 1; i <= sessions; i++) {
      // Out of time, the sessions measured so far are still reported.
      await sleep(PAUSE_BETWEEN_SESSIONS_MS, undefined, { signal }).catch((error: unknown) => {
        throw new Unmeasured(firstLine(error), result);
      });
      progress(`${label}: round ${round}/${rounds}, session ${i}/${sessions}`);
      try {
        samples.push(await startCall(page, CONNECT_LIMIT_MS));
      } catch (error) {
        failures.push(`round ${round} session ${i}: ${firstLine(error)}`);
      }
      await endCall(page, devServer);
    }
  }
  if (failures.length > 0) throw new Unmeasured(failures.join('; '), result);
  return result;
}

/**
 * The "before": replaces the playground's worker by one in the framework's `dev` mode (a
 * fresh job process per job, as the playground ran until now) and measures the same way.
 */
export async function connectTimesInDevMode(
  page: Page,
  playground: Playground,
  rounds: number,
  sessions: number,
  geminiBaseUrl: string,
  signal: AbortSignal,
): Promise<ConnectRounds> {
  const devServer = playground.devServer;
  if (!devServer) throw new Error('the comparison needs the dev server');
  const [apiKey = '', apiSecret = ''] = Object.entries(devServer.keys)[0] ?? [];
  await playground.worker.stop();
  const worker = spawnWorker({
    config: AGENT_CONFIG,
    mode: 'dev',
    env: {
      LIVEKIT_URL: playground.livekitUrl,
      LIVEKIT_API_KEY: apiKey,
      LIVEKIT_API_SECRET: apiSecret,
      AGENT_NAME: playground.agentName,
      // The HTTP tool is never called while connecting: any secret will do.
      VOICE_AGENT_TOOL_SECRET: 'bench',
      PLAYGROUND_BACKEND_URL: playground.backend.url,
      GOOGLE_API_KEY: 'bench',
      GOOGLE_GEMINI_BASE_URL: geminiBaseUrl,
    },
  });
  const forget = onInterrupt(() => worker.stop(1_000));
  try {
    await withinLimit(worker.registered, 40_000, 'the `dev` worker registering');
    return await connectTimes(page, playground, rounds, sessions, signal, 'connect (dev mode)');
  } finally {
    await worker.stop();
    forget();
  }
}
