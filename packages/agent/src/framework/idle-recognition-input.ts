import type { ReadableStream } from 'node:stream/web';
import { FRAMEWORK_INDEX, requireFrameworkVersion } from './framework-version.js';
import { FrameworkShapeError } from './google-plugin.js';

/**
 * @livekit/agents 1.9.0's `AgentActivity.attachAudioInput` tees the visitor's audio between
 * the realtime model and `AudioRecognition` whenever both exist. With Gemini Live (server
 * turn detection) the recognition has no STT, no VAD, no streaming turn detector, no
 * interruption detection and no subscriber, so it does nothing with the audio, yet every
 * frame (100 a second) goes through its tee branch, its input pump, its broadcast transform,
 * a second tee, the STT branch's transform and merge, and the two drained branches
 * (unread-audio-branches.ts): most of the Web Streams work of a job's input path.
 *
 * This attaches such a recognition without input, as the framework itself does when there is
 * no recognition: the realtime model gets the session's audio without the tee. If the
 * recognition later needs audio (an STT, VAD or streaming turn detector set, or an
 * `subscribeAudioStream` subscriber), the activity's input is attached again, this time with
 * the recognition fed (its input's source is still unset, so the framework can set it once).
 */
requireFrameworkVersion('idle recognition input', '1.9.0');

interface Recognition {
  hooks: unknown;
  stt?: unknown;
  vad?: unknown;
  turnDetectorStream?: unknown;
  interruptionDetection?: unknown;
  subscriberWriters: unknown[];
}

interface Activity {
  audioRecognition?: Recognition;
  realtimeSession?: unknown;
  audioStreamId?: string;
  agentSession: { _input?: { audio: { stream: ReadableStream } | null } };
  attachAudioInput(stream: ReadableStream): void;
}

type Proto = Record<string, unknown>;
const [{ AgentActivity }, { AudioRecognition }] = (await Promise.all([
  import(new URL('./voice/agent_activity.js', FRAMEWORK_INDEX).href),
  import(new URL('./voice/audio_recognition.js', FRAMEWORK_INDEX).href),
])) as [{ AgentActivity?: { prototype: Proto } }, { AudioRecognition?: { prototype: Proto } }];
const activityProto = AgentActivity?.prototype;
const recognitionProto = AudioRecognition?.prototype;
const consumers = ['updateStt', 'updateVad', 'updateTurnDetector', 'subscribeAudioStream'];
if (
  typeof activityProto?.attachAudioInput !== 'function' ||
  !recognitionProto ||
  consumers.some((name) => typeof recognitionProto[name] !== 'function')
) {
  throw new FrameworkShapeError(
    'AgentActivity.attachAudioInput or AudioRecognition.updateStt/updateVad/updateTurnDetector/subscribeAudioStream moved',
  );
}

/** Recognitions attached without input, and the activity each belongs to. */
const unfed = new WeakMap<Recognition, Activity>();

/** Whether anything in `recognition` reads the audio it is given. */
function needsAudio(recognition: Recognition): boolean {
  if (!Array.isArray(recognition.subscriberWriters) || !('stt' in recognition)) {
    throw new FrameworkShapeError('AudioRecognition.subscriberWriters/stt moved');
  }
  return (
    recognition.stt !== undefined ||
    recognition.vad !== undefined ||
    recognition.turnDetectorStream !== undefined ||
    recognition.interruptionDetection !== undefined ||
    recognition.subscriberWriters.length > 0
  );
}

const attach = activityProto.attachAudioInput as Activity['attachAudioInput'];
activityProto.attachAudioInput = function (this: Activity, stream: ReadableStream): void {
  const recognition = this.audioRecognition;
  if (recognition === undefined || !this.realtimeSession || needsAudio(recognition)) {
    if (recognition !== undefined) unfed.delete(recognition);
    attach.call(this, stream);
    return;
  }
  if (recognition.hooks !== this) {
    throw new FrameworkShapeError('AudioRecognition.hooks is no longer its AgentActivity');
  }
  unfed.set(recognition, this);
  // attachAudioInput is synchronous: the recognition is hidden for this call only.
  this.audioRecognition = undefined;
  try {
    attach.call(this, stream);
  } finally {
    this.audioRecognition = recognition;
  }
};

/** Attaches the activity's input again, with `recognition` fed, once it needs audio. */
function feedIfNeeded(recognition: Recognition): void {
  const activity = unfed.get(recognition);
  if (activity === undefined || !needsAudio(recognition)) return;
  unfed.delete(recognition);
  const sessionInput = activity.agentSession._input;
  if (sessionInput === undefined) throw new FrameworkShapeError('AgentSession._input moved');
  const input = sessionInput.audio;
  if (activity.audioRecognition !== recognition || activity.audioStreamId === undefined || !input) {
    return;
  }
  activity.attachAudioInput(input.stream);
}

for (const name of consumers) {
  const original = recognitionProto[name] as (this: Recognition, ...args: unknown[]) => unknown;
  recognitionProto[name] = function (this: Recognition, ...args: unknown[]) {
    const result = original.apply(this, args);
    if (!(result instanceof Promise)) {
      feedIfNeeded(this);
      return result;
    }
    return result.then((value) => {
      feedIfNeeded(this);
      return value;
    });
  };
}
