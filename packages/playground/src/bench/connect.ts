import { waitFor } from '@voice-agent/testing';
import type { VoiceAgentStateEvent } from '@voice-agent/widget';
import type { Page } from 'playwright-core';
import type { Playground } from '../playground.js';
import { AGENT_CONFIG } from '../playground.js';
import { spawnWorker } from '../worker/worker-process.js';

/** One session's connect time, and the part of it spent fetching the token. */
export interface ConnectSample {
  /** `start()` to the agent's first state (listening, thinking or speaking). */
  total: number;
  /** The `/token` request, from the page's Resource Timing. */
  token: number;
}

/**
 * A visitor arrives at an idle worker: after a job, the worker boots a replacement idle
 * process, which on this 2-core machine would otherwise compete with the next session.
 */
const PAUSE_BETWEEN_SESSIONS_MS = 3_000;

/** Starts and ends `sessions` sessions in the page, `PAUSE_BETWEEN_SESSIONS_MS` apart. */
export async function connectTimes(
  page: Page,
  playground: Playground,
  sessions: number,
): Promise<ConnectSample[]> {
  const samples: ConnectSample[] = [];
  await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_SESSIONS_MS));
  for (let i = 0; i < sessions; i++) {
    samples.push(
      await page.evaluate(() => {
        const widget = document.querySelector('voice-agent');
        if (!widget) throw new Error('no widget');
        performance.clearResourceTimings();
        return new Promise<ConnectSample>((resolve) => {
          const started = performance.now();
          const onState = (event: VoiceAgentStateEvent) => {
            const { state } = event.detail;
            if (state !== 'listening' && state !== 'thinking' && state !== 'speaking') return;
            widget.removeEventListener('voice-agent-state', onState);
            const total = performance.now() - started;
            const [token] = performance
              .getEntriesByType('resource')
              .filter((entry) => new URL(entry.name).pathname === '/token');
            resolve({ total, token: token?.duration ?? Number.NaN });
          };
          widget.addEventListener('voice-agent-state', onState);
          void widget.start();
        });
      }),
    );
    await endSession(page, playground);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_SESSIONS_MS));
  }
  return samples;
}

/** Ends the page's session and waits until the dev server has no job left. */
export async function endSession(page: Page, playground: Playground): Promise<void> {
  await page.evaluate(() => document.querySelector('voice-agent')?.end());
  await waitFor(() => (playground.devServer?.jobs().length === 0 ? true : undefined), {
    timeoutMs: 20_000,
    what: 'the job to end',
  });
}

/**
 * The "before": replaces the playground's worker by one in the framework's `dev` mode (a
 * fresh job process per job, as the playground ran until now) and measures the same way.
 */
export async function connectTimesInDevMode(
  page: Page,
  playground: Playground,
  sessions: number,
  geminiBaseUrl: string,
): Promise<ConnectSample[]> {
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
  try {
    await worker.registered;
    return await connectTimes(page, playground, sessions);
  } finally {
    await worker.stop();
  }
}
