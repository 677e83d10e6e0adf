import { voice } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';

/** One answer as a visitor would hear it from a speaker that plays in real time. */
export interface HeardAnswer {
  /** When its first audio started playing (ms, `performance.now()`). */
  startedAt: number;
  /** The longest gap inside it: the speaker ran dry before the next audio came (ms). */
  longestSilence: number;
}

/**
 * The agent's audio output as a speaker that plays in real time: frames queue up and play
 * one after another; a frame that comes after the queue ran dry starts after a silence. Each
 * segment (the framework flushes one per answer) is one {@link HeardAnswer}.
 */
export class RealTimeSpeaker extends voice.AudioOutput {
  readonly answers: HeardAnswer[] = [];
  #current: HeardAnswer | undefined;
  /** When what is queued has played out. */
  #playsUntil = 0;
  #finish: NodeJS.Timeout | undefined;

  constructor() {
    super(24_000);
  }

  override async captureFrame(frame: AudioFrame): Promise<void> {
    await super.captureFrame(frame);
    const now = performance.now();
    const durationMs = (frame.samplesPerChannel / frame.sampleRate) * 1000;
    if (!this.#current) {
      this.#current = { startedAt: now, longestSilence: 0 };
      this.answers.push(this.#current);
      this.#playsUntil = now;
      this.onPlaybackStarted(Date.now());
    } else if (now > this.#playsUntil) {
      const silence = now - this.#playsUntil;
      this.#current.longestSilence = Math.max(this.#current.longestSilence, silence);
      this.#playsUntil = now;
    }
    this.#playsUntil += durationMs;
  }

  override flush(): void {
    super.flush();
    if (!this.#current) return;
    const answer = this.#current;
    this.#current = undefined;
    const position = this.#playsUntil - answer.startedAt;
    this.#finish = setTimeout(
      () => this.onPlaybackFinished({ playbackPosition: position / 1000, interrupted: false }),
      Math.max(0, this.#playsUntil - performance.now()),
    );
  }

  override clearBuffer(): void {
    clearTimeout(this.#finish);
    if (!this.#current) return;
    this.#current = undefined;
    this.onPlaybackFinished({ playbackPosition: 0, interrupted: true });
  }
}
