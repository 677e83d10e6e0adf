import { VOICE_AGENT_EVENTS, type VoiceAgentEvent } from '@voice-agent/widget/events';
import type { Page } from 'playwright-core';

/** A widget event as the page saw it. */
export interface RecordedEvent {
  type: string;
  detail: Record<string, unknown>;
}

/**
 * Runs in the page before its scripts. Keeps every widget event (`eventTypes`) in order, and
 * measures every remote audio track the page receives (an AnalyserNode on each track of
 * every RTCPeerConnection): `agentAudioPeak` is the loudest RMS heard since the last reset.
 * Both are what a visitor observes, independent of the widget's internals.
 */
function record(eventTypes: readonly string[]): void {
  const scope = window as unknown as Record<string, unknown>;
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
  const meter = (track: MediaStreamTrack) => {
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      if (track.readyState === 'ended') {
        clearInterval(timer);
        void context.close();
        return;
      }
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      scope.agentAudioPeak = Math.max(Number(scope.agentAudioPeak), rms);
    }, 50);
  };
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      this.addEventListener('track', (event) => {
        if (event.track.kind === 'audio') meter(event.track);
      });
    }
  };
}

/**
 * The page recorder, for `context.addInitScript(recordInPage)`: `record` called with the
 * widget's event list. Serialized into the page, so the list is its argument, written in
 * the way Playwright writes `addInitScript(fn, arg)`.
 */
export const recordInPage = { content: `(${record})(${JSON.stringify(VOICE_AGENT_EVENTS)})` };

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
