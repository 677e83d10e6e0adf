import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  type RemoteTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { pcm16Rms, toneSamples } from '@voice-agent/testing';
import { firstLine } from './run/section.js';

const SAMPLE_RATE = 48_000;
const FRAME_MS = 10;
const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;
/** An answer counts as heard when a received frame's RMS passes this (0–1). */
const HEARD_LEVEL = 0.05;
const SOURCE_QUEUE_MS = 40;
/** A tone younger than this may still be answered: it does not count as sent yet. */
const ANSWER_GRACE_MS = 1_000;
/**
 * Between tone starts: 201 frames of 10 ms, not a multiple of the 20 ms input
 * chunks, so the tones land at every point of them instead of one fixed point per session.
 */
export const TONE_PERIOD_MS = 2_010;

/**
 * A headless visitor: an rtc-node participant that sends a 440 Hz tone of `toneMs` about every
 * 2 s (silence between, paced in real time by the audio source) and records, per
 * tone, the delay until the first loud audio heard after it. An answer later than one
 * period counts for the next tone: under heavy load the figures understate the tail.
 */
export class TonePartner {
  readonly room = new Room();
  /** Tone start → first loud frame received after it, per answered turn (ms). */
  readonly delays: number[] = [];
  #measuringSince = 0;
  /** Starts of the tones sent since `startMeasuring`. */
  readonly #toneStarts: number[] = [];
  /** The start of the tone each of `delays` answered. */
  readonly #answeredToneStarts: number[] = [];
  /** Resolves once the agent in the room reports `listening`. */
  readonly agentListening: Promise<void>;
  /** Why an audio track the partner subscribed to could not be read, if one could not. */
  hearingFailure: string | undefined;
  #toneStartedAt = 0;
  #answered = true;
  #sending = false;

  constructor() {
    this.agentListening = new Promise((resolve) => {
      this.room.on(RoomEvent.ParticipantAttributesChanged, (changed) => {
        if (changed['lk.agent.state'] === 'listening') resolve();
      });
    });
  }

  /** Joins with `token`, publishes the microphone and listens to every audio track. */
  async join(url: string, token: string): Promise<void> {
    this.room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
      if (track.kind !== TrackKind.KIND_AUDIO) return;
      // Seen at 8 sessions: rtc-node refused to read a track it had just announced. Thrown
      // from the handler, that ended the whole bench; now the level reports it.
      this.#listen(track).catch((error: unknown) => {
        this.hearingFailure ??= firstLine(error).slice(0, 160);
      });
    });
    await this.room.connect(url, token, { autoSubscribe: true, dynacast: false });
    // A short queue: captureFrame then paces the tone closely to when it actually plays.
    const source = new AudioSource(SAMPLE_RATE, 1, SOURCE_QUEUE_MS);
    const track = LocalAudioTrack.createAudioTrack('microphone', source);
    const options = new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE });
    await this.room.localParticipant?.publishTrack(track, options);
    this.#sending = true;
    void this.#send(source);
  }

  /** Forgets the delays so far; tones that started before now do not count when answered. */
  startMeasuring(): void {
    this.delays.length = 0;
    this.#answeredToneStarts.length = 0;
    this.#toneStarts.length = 0;
    this.#measuringSince = performance.now();
  }

  /**
   * The tones sent since `startMeasuring` that have had a second to be answered, and the
   * delays of those answered: a tone too recent counts neither as sent nor as answered.
   */
  measured(): { tones: number; delays: number[] } {
    const answerable = performance.now() - ANSWER_GRACE_MS;
    return {
      tones: this.#toneStarts.filter((start) => start <= answerable).length,
      delays: this.delays.filter((_, i) => (this.#answeredToneStarts[i] ?? 0) <= answerable),
    };
  }

  async #send(source: AudioSource, toneMs = 200, periodMs = TONE_PERIOD_MS): Promise<void> {
    const silence = new Int16Array(FRAME_SAMPLES);
    const toneFrames = toneSamples({ frequency: 440, durationMs: toneMs, amplitude: 0.5 });
    let frameIndex = 0;
    const framesPerPeriod = periodMs / FRAME_MS;
    while (this.#sending) {
      const inPeriod = frameIndex % framesPerPeriod;
      const tone = inPeriod < toneMs / FRAME_MS;
      let data = silence;
      if (tone) {
        data = toneFrames.slice(inPeriod * FRAME_SAMPLES, (inPeriod + 1) * FRAME_SAMPLES);
      }
      // captureFrame resolves once the frame is queued; its queue paces us in real time.
      await source.captureFrame(new AudioFrame(data, SAMPLE_RATE, 1, FRAME_SAMPLES));
      if (inPeriod === 0) {
        // The frame just queued plays after what is already queued.
        this.#toneStartedAt = performance.now() + source.queuedDuration - FRAME_MS;
        this.#answered = false;
        if (this.#toneStartedAt >= this.#measuringSince) this.#toneStarts.push(this.#toneStartedAt);
      }
      frameIndex++;
    }
  }

  async #listen(track: RemoteTrack): Promise<void> {
    const reader = new AudioStream(track, SAMPLE_RATE, 1).getReader();
    for (;;) {
      const { done, value: frame } = await reader.read();
      if (done) return;
      // Before the tone has played (it waits in the source's queue), nothing answers it.
      const now = performance.now();
      if (this.#answered || now < this.#toneStartedAt || pcm16Rms(frame.data) < HEARD_LEVEL)
        continue;
      this.#answered = true;
      if (this.#toneStartedAt < this.#measuringSince) continue;
      this.delays.push(now - this.#toneStartedAt);
      this.#answeredToneStarts.push(this.#toneStartedAt);
    }
  }

  async leave(): Promise<void> {
    this.#sending = false;
    await this.room.disconnect();
  }
}
