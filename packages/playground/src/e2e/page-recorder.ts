import type { VoiceAgentEvent } from '@voice-agent/widget/events';
import type { Page } from 'playwright-core';
import type { AudioTaps } from '../page-audio/audio-taps.js';

/** A widget event as the page saw it. */
export interface RecordedEvent {
  type: string;
  detail: Record<string, unknown>;
}

/**
 * Runs in the page before its scripts, after `installAudioTaps`, as
 * `context.addInitScript(recordInPage, VOICE_AGENT_EVENTS)` (serialized into the page: the
 * list comes as its argument). Keeps every widget event (`eventTypes`) in order, and
 * measures every remote audio track the page receives: `agentAudioPeak` is the loudest RMS
 * heard since the last reset.
 * Both are what a visitor observes, independent of the widget's internals.
 */
export function recordInPage(eventTypes: readonly string[]): void {
  const scope = window as unknown as Record<string, unknown> & { audioTaps: AudioTaps };
  const events: { type: string; detail: unknown }[] = [];
  scope.widgetEvents = events;
  for (const type of eventTypes) {
    document.addEventListener(type, (event) => {
      events.push({ type, detail: (event as VoiceAgentEvent).detail });
    });
  }
  scope.agentAudioPeak = 0;
  scope.resetAgentAudioPeak = () => {
    scope.agentAudioPeak = 0;
  };
  scope.audioTaps.meter('remote', { fftSize: 2048, intervalMs: 50 }, (rms) => {
    scope.agentAudioPeak = Math.max(Number(scope.agentAudioPeak), rms);
  });
}

/** The widget events the page has seen so far, optionally of one type. */
export async function eventsIn(page: Page, type?: string): Promise<RecordedEvent[]> {
  const events = await page.evaluate(
    () => (window as unknown as { widgetEvents: RecordedEvent[] }).widgetEvents,
  );
  return type ? events.filter((event) => event.type === type) : events;
}

/** The states the widget went through, in order, without repeats. */
export async function stateSequence(page: Page): Promise<string[]> {
  const states = (await eventsIn(page, 'voice-agent-state')).map((e) => String(e.detail.state));
  return states.filter((state, i) => state !== states[i - 1]);
}

/** The loudest agent audio (RMS, 0–1) the page has heard since the last reset. */
export function agentAudioPeak(page: Page): Promise<number> {
  return page.evaluate(() =>
    Number((window as unknown as { agentAudioPeak: number }).agentAudioPeak),
  );
}

/** Forgets the audio heard so far. */
export function resetAgentAudioPeak(page: Page): Promise<void> {
  return page.evaluate(() =>
    (window as unknown as { resetAgentAudioPeak: () => void }).resetAgentAudioPeak(),
  );
}

/**
 * Reads `expression` in the page without a user gesture. Every Playwright call into a page
 * (`evaluate`, `waitForFunction`, locators) runs as one, which gives the page user activation:
 * it may then play sound, so it cannot observe a page that must wait for the visitor's click.
 */
export async function readWithoutGesture(
  page: Page,
): Promise<(expression: string) => Promise<unknown>> {
  const cdp = await page.context().newCDPSession(page);
  return async (expression) => {
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
      expression,
      userGesture: false,
      awaitPromise: true,
      returnByValue: true,
    });
    if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.text}`);
    return result.value;
  };
}
