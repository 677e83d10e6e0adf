import type { ReadableStream, ReadableStreamDefaultReader } from 'node:stream/web';
import { FRAMEWORK_INDEX, requireFrameworkVersion } from './framework-version.js';
import { FrameworkShapeError } from './google-plugin.js';

/**
 * @livekit/agents 1.9.0's `AudioRecognition` tees the visitor's audio into a VAD branch
 * (`vadInputStream`) and an STT branch (`sttInputStream`, which eagerly copies its tee branch
 * into its own queue). A realtime model with server-side turn detection runs with neither an
 * STT nor a VAD there, so nothing reads either branch and both keep every frame of the call
 * (about 100 a second, 36 MB per 10 minutes; livekit/agents-js#1462). This reads and drops
 * the frames of a branch that has no reader once recognition has started, and gives the
 * branch back before the framework starts an STT or VAD on it. (A recognition that nothing
 * reads from gets no input at all since idle-recognition-input.ts; this is for one that is fed,
 * e.g. for a `subscribeAudioStream` subscriber, and still has no STT or no VAD.)
 */
requireFrameworkVersion('unread audio branch', '1.9.0');

type Branch = 'sttInputStream' | 'vadInputStream';

interface Recognition {
  stt?: unknown;
  vad?: unknown;
  sttInputStream?: ReadableStream;
  vadInputStream?: ReadableStream;
}

type Method = (this: Recognition, ...args: unknown[]) => Promise<void>;

const { AudioRecognition } = (await import(
  new URL('./voice/audio_recognition.js', FRAMEWORK_INDEX).href
)) as { AudioRecognition?: { prototype: Record<string, unknown> } };
const proto = AudioRecognition?.prototype;
const wrapped = ['start', 'updateStt', 'updateVad', 'close'] as const;
if (!proto || wrapped.some((name) => typeof proto[name] !== 'function')) {
  throw new FrameworkShapeError('AudioRecognition.start/updateStt/updateVad/close moved');
}

/** The readers this module holds, per recognition and branch. */
const drains = new WeakMap<Recognition, Map<Branch, ReadableStreamDefaultReader>>();

/** Reads and drops every frame of `branch` until {@link release} gives it back. */
function drain(recognition: Recognition, branch: Branch): void {
  const stream = recognition[branch];
  if (stream === undefined) {
    throw new FrameworkShapeError(`AudioRecognition.${branch} is gone`);
  }
  if (stream.locked) return;
  const reader = stream.getReader();
  const held = drains.get(recognition) ?? new Map<Branch, ReadableStreamDefaultReader>();
  held.set(branch, reader);
  drains.set(recognition, held);
  void (async () => {
    // A released reader's pending read rejects; that ends the loop.
    while (!(await reader.read()).done) {}
  })().catch(() => undefined);
}

/** Gives `branch` back to the framework (it is about to read it, or is closing). */
function release(recognition: Recognition, branch: Branch): void {
  const reader = drains.get(recognition)?.get(branch);
  if (reader === undefined) return;
  drains.get(recognition)?.delete(branch);
  reader.releaseLock();
}

/** Drains each branch that the recognition's current STT and VAD leave unread. */
function drainUnread(recognition: Recognition): void {
  if (recognition.stt === undefined) drain(recognition, 'sttInputStream');
  if (recognition.vad === undefined) drain(recognition, 'vadInputStream');
}

function around(name: (typeof wrapped)[number], branches: Branch[], after: boolean): void {
  const original = proto?.[name] as Method;
  (proto as Record<string, unknown>)[name] = async function (
    this: Recognition,
    ...args: unknown[]
  ) {
    for (const branch of branches) release(this, branch);
    await original.apply(this, args);
    if (after) drainUnread(this);
  };
}

around('start', [], true);
around('updateStt', ['sttInputStream'], true);
around('updateVad', ['vadInputStream'], true);
around('close', ['sttInputStream', 'vadInputStream'], false);
