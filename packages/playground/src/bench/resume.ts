import { makeToneWav } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import { chromiumAsCutUser, NetworkCut } from '../e2e/network-cut.js';
import { type OfflineStack, startOfflineStack } from '../e2e/offline-stack.js';
import { clock, recordTimedStates, stateAfter } from './resume-page.js';
import { networkTry, PING_TIMEOUT_S, type ReloadTry, reloadTry } from './resume-tries.js';
import { onInterrupt } from './run/cleanup.js';
import { withinLimit } from './run/limits.js';
import { progress } from './run/progress.js';
import { Unmeasured } from './run/section.js';

/** One round: a call of its own, its network drops, then its reloads. */
export interface ResumeRound {
  /** From the network coming back to `listening` again, ms. */
  network: number[];
  reload: ReloadTry[];
}

const START_LIMIT_MS = 60_000;
const GREETING_LIMIT_MS = 45_000;

/**
 * `rounds` calls in the playground (offline demo mode, `persist` on its page), each with
 * `tries` network drops and then `tries` reloads. Chromium runs as its own user so that
 * iptables cuts its traffic for real; the dev server's ping timeout is short (4 s, as in the
 * network-drop e2e test) so that both sides notice a cut of a few seconds.
 */
export async function measureResume(
  rounds: number,
  tries: number,
  signal: AbortSignal,
): Promise<ResumeRound[]> {
  if (rounds < 1 || tries < 1) throw new Error(`nothing to measure: ${rounds} × ${tries} tries`);
  const network = new NetworkCut();
  let stack: OfflineStack | undefined;
  const stop = async () => {
    await network.close();
    await stack?.close();
  };
  const forget = onInterrupt(stop);
  const measured: ResumeRound[] = [];
  try {
    const starting = startOfflineStack(await makeToneWav({ amplitude: 0, durationMs: 1_000 }), {
      chromium: { executablePath: await chromiumAsCutUser() },
      devServer: { pingTimeoutSeconds: PING_TIMEOUT_S },
    });
    stack = await withinLimit(starting, START_LIMIT_MS, 'starting the playground').catch(
      (error: unknown) => {
        // If it still comes up, it goes at once.
        void starting.then((late) => late.close()).catch(() => undefined);
        throw error;
      },
    );
    await stack.browser.context.addInitScript(recordTimedStates);
    await network.start();
    const devServer = stack.devServer();
    for (let round = 1; round <= rounds; round++) {
      const tag = `resume: round ${round}/${rounds}`;
      const current: ResumeRound = { network: [], reload: [] };
      measured.push(current);
      await startCall(stack.page, stack.playground.url);
      for (let t = 1; t <= tries; t++) {
        signal.throwIfAborted();
        const ms = await networkTry(stack.page, network, devServer, t - 1);
        current.network.push(ms);
        progress(`${tag}: network ${t}/${tries}: listening ${Math.round(ms)} ms after the restore`);
      }
      for (let t = 1; t <= tries; t++) {
        signal.throwIfAborted();
        const reload = await reloadTry(stack.page, devServer);
        current.reload.push(reload);
        progress(
          `${tag}: reload ${t}/${tries}: listening ${Math.round(reload.fromNavigationMs)} ms after navigation start, ${Math.round(reload.fromLoadMs)} ms after the load event`,
        );
      }
      await stack.page.evaluate(() => document.querySelector('voice-agent')?.end());
    }
    return measured;
  } catch (error) {
    const done = measured.reduce((n, r) => n + r.network.length + r.reload.length, 0);
    throw new Unmeasured(
      `after ${done} of ${rounds * tries * 2} tries: ${(error as Error).message}`,
      done > 0 ? measured : undefined,
    );
  } finally {
    await stop();
    forget();
  }
}

/** A fresh page, a call started from its button, and the greeting over (listening after it). */
async function startCall(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  const startedAt = clock();
  await page.locator('voice-agent').getByRole('button', { name: 'Talk to our assistant' }).click();
  const greeting = await stateAfter(
    page,
    startedAt,
    (s) => s === 'speaking',
    GREETING_LIMIT_MS,
    'the greeting',
  );
  await stateAfter(page, greeting.at, (s) => s === 'listening', GREETING_LIMIT_MS, 'its end');
}
