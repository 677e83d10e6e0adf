import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOP_LOG_VARIABLE, type HopOnset } from '@voice-agent/agent/testing';

/**
 * The hops of one turn, in order, each timed at the onset of the sound it carries (ms, system
 * clock): the page's microphone, the dev server receiving the visitor's track, the job
 * process receiving it from rtc-node (the frame's FFI event), the job's realtime session
 * receiving it, the stand-in answering (it answers in the handler of the
 * first loud chunk, so in and out are one point), the job handing the answer to rtc-node, the
 * dev server receiving the agent's track, the page hearing it.
 */
export const HOPS = [
  'page microphone → dev server in (browser capture, Opus, WebRTC)',
  "dev server → job process receives (forwarding, WebRTC, rtc-node's jitter buffer, decode, resampling to 16 kHz, FFI event)",
  "job process receives → realtime session's pushAudio (RoomIO's and the session's streams, the event loop)",
  'job process in → stand-in answers (20 ms input chunks, WebSocket)',
  "stand-in answers → job process out (WebSocket, plugin, the session's playout scheduling)",
  "job process out → dev server in (rtc-node's audio source queue, Opus, WebRTC)",
  'dev server → page speaker (forwarding, WebRTC, jitter buffer, decode; the frame the track hands to playout)',
] as const;

/** Per hop, the delays of the turns traced through every hop. */
export type HopDelays = number[][];

/**
 * The hop log for the processes of the stack (`VOICE_AGENT_HOP_LOG`): the file the variable
 * already names (kept, to read after the run), else a temporary one. Closed, the variable is
 * gone: the later sections' processes measure nothing.
 */
export async function openHopLog(): Promise<{ file: string; close(): Promise<void> }> {
  const given = process.env[HOP_LOG_VARIABLE];
  if (given) {
    await writeFile(given, '');
    return {
      file: given,
      close: async () => {
        delete process.env[HOP_LOG_VARIABLE];
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'voice-agent-hops-'));
  const file = join(dir, 'hops.jsonl');
  process.env[HOP_LOG_VARIABLE] = file;
  return {
    file,
    close: async () => {
      delete process.env[HOP_LOG_VARIABLE];
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The onsets in the hop log so far; the floor's room is left out (it has no agent). */
export async function readHopLog(file: string): Promise<HopOnset[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as HopOnset)
    .filter((onset) => onset.room !== 'floor');
}

/**
 * How much earlier than the page's microphone onset the dev server may see the tone (clock
 * error, a frame read late): such a hop is reported negative, not dropped.
 */
const MIC_READ_SLACK_MS = 150;

/**
 * Follows each microphone onset in (`from`, `to`] through the hops: at every hop, the first
 * onset after the previous hop's and before the next microphone onset. The dev server's
 * onsets are the visitor's going up and the agent's (identity `agent-…`) coming down. A turn
 * missing at any hop is left out.
 */
export function traceHops(
  mic: number[],
  window: { from: number; to: number },
  log: HopOnset[],
  answeredAt: number[],
  heard: number[],
): HopDelays {
  const at = (hop: string, agent?: boolean) =>
    log
      .filter((o) => o.hop === hop)
      .filter((o) => agent === undefined || (o.identity ?? '').startsWith('agent-') === agent)
      .map((o) => o.at);
  const chain = [
    at('devserver', false),
    at('job-rtc'),
    at('job-in'),
    answeredAt,
    at('job-out'),
    at('devserver', true),
    heard,
  ];
  const delays: HopDelays = HOPS.map(() => []);
  mic.forEach((start, i) => {
    if (start <= window.from || start > window.to) return;
    const end = mic[i + 1] ?? Number.POSITIVE_INFINITY;
    const times = [start];
    for (const [hop, onsets] of chain.entries()) {
      const after = (times.at(-1) ?? start) - (hop === 0 ? MIC_READ_SLACK_MS : 0);
      const next = onsets.find((t) => t > after && t < end);
      if (next === undefined) return;
      times.push(next);
    }
    times.slice(1).forEach((t, hop) => {
      delays[hop]?.push(t - (times[hop] ?? t));
    });
  });
  return delays;
}

/**
 * Per turn traced through every hop, the time between the stack's two passes through the dev
 * server: the visitor's tone arriving there, then the agent's answer arriving there (the hops
 * from the dev server's to the job's and back). The floor has no such part (the dev server
 * forwards at once), so this is the stack's overhead without the page: one process's clock,
 * RTP packets, no page tap and no page receiver in it.
 */
export function throughJob(hops: HopDelays): number[] {
  const parts = hops.slice(1, -1);
  return (hops[0] ?? []).map((_, turn) =>
    parts.reduce((sum, delays) => sum + (delays[turn] ?? Number.NaN), 0),
  );
}

/** A WebRTC receiver's jitter buffer statistics so far (webrtc-stats: cumulative seconds). */
export type JitterReading = NonNullable<HopOnset['jitterBuffer']>;

/** A WebRTC receiver's jitter buffer over a window, ms. */
export interface JitterBuffer {
  /** Mean delay of the samples it emitted in the window (`jitterBufferDelay` / emitted). */
  meanMs: number;
  /** Mean target delay over the same samples (`jitterBufferTargetDelay` / emitted). */
  targetMs: number;
  /** Mean minimum delay over the same samples (`jitterBufferMinimumDelay` / emitted). */
  minimumMs: number;
}

/**
 * From the `job-jitter` lines (cumulative statistics, one per turn) in (`from`, `to`]: the
 * jitter buffer's mean delays over the samples emitted between the first and last reading.
 */
export function jitterBufferIn(
  log: HopOnset[],
  window: { from: number; to: number },
): JitterBuffer | undefined {
  const readings = log
    .filter((o) => o.hop === 'job-jitter' && o.at > window.from && o.at <= window.to)
    .map((o) => o.jitterBuffer)
    .filter((j) => j !== undefined);
  const first = readings[0];
  const last = readings.at(-1);
  return first && last ? jitterBufferBetween(first, last) : undefined;
}

/** The mean delays over the samples a receiver emitted between two readings, if any. */
export function jitterBufferBetween(
  first: JitterReading,
  last: JitterReading,
): JitterBuffer | undefined {
  if (last.emitted <= first.emitted) return undefined;
  const perSample = (key: 'delay' | 'target' | 'minimum') =>
    ((last[key] - first[key]) / (last.emitted - first.emitted)) * 1000;
  return {
    meanMs: perSample('delay'),
    targetMs: perSample('target'),
    minimumMs: perSample('minimum'),
  };
}
