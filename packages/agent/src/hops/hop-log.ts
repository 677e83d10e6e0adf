import { appendFileSync } from 'node:fs';

/**
 * Opt-in (the benchmark's per-hop breakdown): a file every process of a call appends one JSON
 * line to each time a tone starts at its hop. Unset, nothing is measured or written.
 */
export const HOP_LOG_VARIABLE = 'VOICE_AGENT_HOP_LOG';

/** What one line of the hop log says: where a sound started, and when (ms, system clock). */
export interface HopOnset {
  hop: string;
  at: number;
  /** The room, where a process serves several. */
  room?: string;
  /** Whose track, where a process forwards several (the dev server). */
  identity?: string;
  /**
   * `job-jitter` lines: the job's WebRTC receiver of the visitor's audio as rtc-node's
   * `getRtcStats` reports it, cumulative (W3C webrtc-stats): `jitterBufferDelay`,
   * `jitterBufferTargetDelay` and `jitterBufferMinimumDelay` (s, each summed over the
   * samples emitted) and `jitterBufferEmittedCount`.
   */
  jitterBuffer?: { delay: number; target: number; minimum: number; emitted: number };
}

/** Now on the system clock, below the millisecond: comparable across processes on one machine. */
export function clockNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Appends onsets to the hop log, or undefined when `VOICE_AGENT_HOP_LOG` is not set. */
export function hopLog(): ((onset: HopOnset) => void) | undefined {
  const file = process.env[HOP_LOG_VARIABLE];
  if (!file) return undefined;
  // One short line per write with O_APPEND: lines of several processes do not interleave.
  return (onset) => appendFileSync(file, `${JSON.stringify(onset)}\n`);
}

/** Louder than this (RMS, 0–1) is sound; the bench's tones are far above it. */
const SOUND_LEVEL = 0.01;
/** Quiet this long before a sound makes it a new onset (the bench's tones are 2 s apart). */
const QUIET_MS = 250;

/** Finds where sounds start in a stream of PCM frames, as they arrive. */
export class OnsetDetector {
  #lastSound = Number.NEGATIVE_INFINITY;

  /** Whether the frame arriving `at` starts a sound after at least 250 ms of quiet. */
  isOnset(samples: Int16Array, at: number): boolean {
    if (rms(samples) < SOUND_LEVEL) return false;
    const onset = at - this.#lastSound > QUIET_MS;
    this.#lastSound = at;
    return onset;
  }
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += (sample / 32768) ** 2;
  return samples.length > 0 ? Math.sqrt(sum / samples.length) : 0;
}
