import { initializeLogger } from '@livekit/agents';
import { ParticipantKind, TrackSource } from '@livekit/rtc-node';
import { pcm16Rms } from '@voice-agent/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PreConnectAudio,
  PreConnectAudioError,
  readRecording,
  refusalOf,
  type Sender,
} from './buffer.js';
import { decodeRecording, SESSION_PCM_FORMAT } from './decode.js';
import {
  chunked,
  recordToneInChromium,
  samplesOf,
  toneFrequency,
} from './recording.test-helper.js';

initializeLogger({ pretty: false, level: 'fatal' });

let recording: Uint8Array[];

beforeAll(async () => {
  recording = await recordToneInChromium(440, 1_000);
}, 60_000);

describe('pre-connect audio: decoding', () => {
  it("decodes Chromium's MediaRecorder WebM/Opus to the session's 16 kHz mono PCM: the tone, its length", async () => {
    const frames = await readRecording(chunked(recording), 1024 * 1024);
    expect(
      frames.every((f) => f.sampleRate === SESSION_PCM_FORMAT.sampleRate && f.channels === 1),
    ).toBe(true);
    const samples = samplesOf(frames);
    const seconds = samples.length / SESSION_PCM_FORMAT.sampleRate;
    expect(seconds).toBeGreaterThan(0.7);
    expect(seconds).toBeLessThan(1.5);
    expect(pcm16Rms(samples)).toBeGreaterThan(0.2);
    expect(toneFrequency(samples, SESSION_PCM_FORMAT.sampleRate)).toBeGreaterThan(420);
    expect(toneFrequency(samples, SESSION_PCM_FORMAT.sampleRate)).toBeLessThan(460);
  });

  it('refuses a recording over the size cap before decoding it', async () => {
    const error = await readRecording(chunked(recording), 1_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreConnectAudioError);
    expect((error as PreConnectAudioError).code).toBe('too_large');
  });

  it('reports bytes ffmpeg cannot read as undecodable', async () => {
    const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251);
    expect(await decodeRecording(garbage)).toEqual([]);
    const error = await readRecording(chunked([garbage]), 1024 * 1024).catch((e: unknown) => e);
    expect((error as PreConnectAudioError).code).toBe('undecodable');
  });
});

describe('pre-connect audio: who may send it', () => {
  const visitor: Sender = {
    kind: ParticipantKind.STANDARD,
    trackPublications: new Map([['TR_mic', { source: TrackSource.SOURCE_MICROPHONE }]]),
  } as unknown as Sender;

  it("takes a visitor's own microphone track and nothing else", () => {
    expect(refusalOf(visitor, 'TR_mic')).toBeUndefined();
    expect(refusalOf(visitor, undefined)).toBe('no trackId attribute');
    expect(refusalOf(visitor, 'TR_other')).toBe("trackId is not the sender's microphone");
    expect(refusalOf(undefined, 'TR_mic')).toBe('the sender is not in the room');
    expect(refusalOf({ ...visitor, kind: ParticipantKind.AGENT } as Sender, 'TR_mic')).toBe(
      'the sender is an agent',
    );
  });

  it('gives up waiting when no buffer starts in time: no frames, nothing held', async () => {
    const audio = new PreConnectAudio({ startTimeoutMs: 50 });
    expect(await audio.frames).toEqual([]);
  });
});
