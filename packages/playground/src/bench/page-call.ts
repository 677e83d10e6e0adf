import type { DevServer } from '@voice-agent/devserver';
import { waitFor } from '@voice-agent/testing';
// Types only: the widget's events on `document.querySelector('voice-agent')`.
import type {} from '@voice-agent/widget';
import type { Page } from 'playwright-core';

/** What a started call measured: `start()` to the agent's first state, and the token request. */
export interface StartedCall {
  /** `start()` to the agent's first state (listening, thinking or speaking), ms. */
  total: number;
  /** The `/token` request, from the page's Resource Timing, ms. */
  token: number;
}

/**
 * Starts the page's call and resolves once the agent is there (its first state), or
 * rejects after `limitMs` with the widget states seen meanwhile.
 */
export function startCall(page: Page, limitMs: number): Promise<StartedCall> {
  return page.evaluate((limit) => {
    const widget = document.querySelector('voice-agent');
    if (!widget) throw new Error('no <voice-agent> in the page');
    performance.clearResourceTimings();
    return new Promise<StartedCall>((resolve, reject) => {
      const started = performance.now();
      const states: string[] = [];
      const timer = setTimeout(() => {
        widget.removeEventListener('voice-agent-state', onState);
        reject(
          new Error(`no agent within ${limit / 1000} s (widget states: ${states.join(' → ')})`),
        );
      }, limit);
      const onState = (event: { detail: { state: string } }) => {
        const { state } = event.detail;
        states.push(state);
        if (state !== 'listening' && state !== 'thinking' && state !== 'speaking') return;
        clearTimeout(timer);
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
  }, limitMs);
}

/** Ends the page's call; what the agent's job does next is not waited for (see `endCall`). */
export async function hangUp(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelector('voice-agent')?.end());
}

/**
 * Ends the page's call and waits (at most 20 s) until the dev server, in this process, has no
 * job left: the next call must not meet the last one's job.
 */
export async function endCall(page: Page, devServer: Pick<DevServer, 'jobs'>): Promise<void> {
  await hangUp(page);
  await waitFor(() => (devServer.jobs().length === 0 ? true : undefined), {
    timeoutMs: 20_000,
    what: "the agent's job to end after the page hung up",
  });
}
