import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Encodes mono PCM16 samples as a RIFF/WAVE file. */
export function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export interface ToneOptions {
  frequency?: number;
  durationMs?: number;
  /** Silence after the tone, so a looping fake microphone pauses between tones. */
  silenceMs?: number;
  sampleRate?: number;
  /** Peak amplitude, 0..1. */
  amplitude?: number;
  /**
   * The tone and its silence this many times over (default 1). Chromium's fake microphone
   * loops a file in whole buffers, so the period it plays a one-tone file at is rounded up to
   * them (2,013 ms plays every 2,020 ms); inside a longer file the tones keep their spacing.
   */
  repeat?: number;
}

/** Mono PCM16 samples of a sine tone followed by silence (`repeat` times). */
export function toneSamples(options: ToneOptions = {}): Int16Array {
  const {
    frequency = 440,
    durationMs = 1000,
    silenceMs = 0,
    sampleRate = 48000,
    amplitude = 0.5,
    repeat = 1,
  } = options;
  const toneLength = Math.round((durationMs / 1000) * sampleRate);
  const period = toneLength + Math.round((silenceMs / 1000) * sampleRate);
  const samples = new Int16Array(period * repeat);
  for (let i = 0; i < toneLength; i++) {
    const sample = Math.round(
      amplitude * 32767 * Math.sin((2 * Math.PI * frequency * i) / sampleRate),
    );
    for (let r = 0; r < repeat; r++) samples[r * period + i] = sample;
  }
  return samples;
}

async function tempPath(name: string): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'voice-agent-wav-')), name);
}

/** Writes a tone WAV (48 kHz mono 16-bit by default) and returns its path. */
export async function makeToneWav(options: ToneOptions = {}): Promise<string> {
  const path = await tempPath('tone.wav');
  await writeFile(path, encodeWav(toneSamples(options), options.sampleRate ?? 48000));
  return path;
}

/**
 * Speaks `text` with espeak-ng and converts it with sox to a 48 kHz mono 16-bit WAV,
 * the format Chromium's fake microphone expects.
 */
export async function makeSpeechWav(
  text: string,
  options: { sampleRate?: number; padSeconds?: number } = {},
): Promise<string> {
  const { sampleRate = 48000, padSeconds = 1 } = options;
  const raw = await tempPath('speech-raw.wav');
  const path = raw.replace('speech-raw.wav', 'speech.wav');
  await run('espeak-ng', ['-w', raw, text]);
  await run('sox', [
    raw,
    '-r',
    String(sampleRate),
    '-c',
    '1',
    '-b',
    '16',
    path,
    'pad',
    '0',
    String(padSeconds),
  ]);
  return path;
}
