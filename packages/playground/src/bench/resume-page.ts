import { waitFor } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import { withinLimit } from './run/limits.js';

/** A widget state as the page saw it, on the system clock every process of the bench reads. */
export interface TimedState {
  state: string;
  at: number;
}

/** Where the widget keeps a `persist` call: `voice-agent:call:<id>@<token URL>`. */
const MEMORY_KEY = /^voice-agent:call:/;

/** The system clock in ms, as the page reads it too (`performance.timeOrigin + now()`). */
export const clock = () => performance.timeOrigin + performance.now();

/**
 * Runs in the page before its scripts (`context.addInitScript`): notes every state the
 * widget announces (`voice-agent-state`, its typed event) with the time it came.
 */
export function recordTimedStates(): void {
  const scope = window as unknown as { timedStates: TimedState[] };
  scope.timedStates = [];
  document.addEventListener('voice-agent-state', (event) => {
    const { state } = (event as CustomEvent<{ state: string }>).detail;
    scope.timedStates.push({ state, at: performance.timeOrigin + performance.now() });
  });
}

export function timedStates(page: Page): Promise<TimedState[]> {
  return page.evaluate(() => (window as unknown as { timedStates: TimedState[] }).timedStates);
}

/** The widget's latest state on this page, if it announced one. */
export async function currentState(page: Page): Promise<string | undefined> {
  return (await timedStates(page)).at(-1)?.state;
}

/**
 * The first state after `since` that `accept` takes, within `limitMs`; a state the call ends
 * in (`ended`, `error`) fails the wait at once, with the states seen.
 */
export async function stateAfter(
  page: Page,
  since: number,
  accept: (state: string) => boolean,
  limitMs: number,
  what: string,
): Promise<TimedState> {
  let seen: TimedState[] = [];
  const found = waitFor(
    async () => {
      seen = (await timedStates(page)).filter((s) => s.at >= since);
      const over = seen.find((s) => s.state === 'ended' || s.state === 'error');
      if (over) throw new Error(`${what}: the widget went to ${over.state}`);
      return seen.find((s) => accept(s.state));
    },
    { timeoutMs: limitMs + 1_000, intervalMs: 50, what },
  );
  return withinLimit(found, limitMs, what, () => `states: ${seen.map((s) => s.state).join(' → ')}`);
}

/** The ticket `persist` saved for the next page (undefined when none). */
export function savedTicket(page: Page): Promise<string | undefined> {
  return page.evaluate((pattern) => {
    const key = Object.keys(sessionStorage).find((k) => new RegExp(pattern).test(k));
    const saved = key ? sessionStorage.getItem(key) : null;
    return saved ? (JSON.parse(saved) as { ticket?: string }).ticket : undefined;
  }, MEMORY_KEY.source);
}

/** When the page's navigation started and its load event ended, on the system clock. */
export function navigationTimes(page: Page): Promise<{ start: number; loaded: number }> {
  return page.evaluate(() => {
    const [navigation] = performance.getEntriesByType(
      'navigation',
    ) as PerformanceNavigationTiming[];
    return {
      start: performance.timeOrigin,
      loaded: performance.timeOrigin + (navigation?.loadEventEnd ?? Number.NaN),
    };
  });
}
