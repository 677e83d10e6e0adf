import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioFramesFromFile } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';

export interface PcmFormat {
  sampleRate: number;
  numChannels: number;
}

/**
 * The PCM format of the session's audio input: Gemini Live's own input format, 16 kHz mono.
 * The worker asks RoomIO for it, so rtc-node resamples the visitor's 48 kHz audio once, in
 * native code; at RoomIO's default (24 kHz) the Google plugin resamples again, which holds
 * back 20 ms of audio on average (measured with `npm run bench`).
 */
export const SESSION_PCM_FORMAT: PcmFormat = { sampleRate: 16_000, numChannels: 1 };

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
