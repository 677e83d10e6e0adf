import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioFramesFromFile } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';

/** The PCM format the session's audio input takes (RoomIO's defaults: 24 kHz mono). */
export interface PcmFormat {
  sampleRate: number;
  numChannels: number;
}

export const SESSION_PCM_FORMAT: PcmFormat = { sampleRate: 24_000, numChannels: 1 };

/**
 * Decodes a recorded audio file (WebM/Opus from MediaRecorder; anything else the framework's
 * ffmpeg reads) to PCM frames of `format`, through the framework's bundled ffmpeg. Resolves
 * with no frames when ffmpeg cannot read it (the framework logs ffmpeg's error).
 */
export async function decodeRecording(
  bytes: Uint8Array,
  format: PcmFormat = SESSION_PCM_FORMAT,
): Promise<AudioFrame[]> {
  // ffmpeg seeks while probing a container: a file, not a pipe.
  const dir = await mkdtemp(join(tmpdir(), 'voice-agent-preconnect-'));
  try {
    const file = join(dir, 'buffer');
    await writeFile(file, bytes);
    const frames: AudioFrame[] = [];
    for await (const frame of audioFramesFromFile(file, format)) frames.push(frame);
    return frames;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
