import { voice } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import { clockNow, hopLog, OnsetDetector } from './hop-log.js';

/** The realtime session's one method the tap wraps: the visitor's audio going to Gemini. */
interface AudioPushing {
  pushAudio(frame: AudioFrame): void;
}

/**
 * The job's hops of a turn, when `VOICE_AGENT_HOP_LOG` is set (else it does nothing):
 * `job-in` when the visitor's audio reaches the realtime session (after RoomIO decoded and
 * resampled it) and `job-out` when the agent's answer goes to rtc-node's audio source (the
 * framework's playback start, stamped just before its first frame is captured). Call before
 * `session.start()`; call the returned function after it, once the room output exists.
 */
export function tapJobHops(session: voice.AgentSession, room: string): (() => void) | undefined {
  const log = hopLog();
  if (!log) return undefined;
  const model = session.llm as unknown as { session?: () => AudioPushing } | undefined;
  const makeSession = model?.session?.bind(model);
  if (!model || !makeSession) throw new Error('hop taps: the session has no realtime model');
  const detector = new OnsetDetector();
  // Per realtime session the model makes: a reconnect keeps the same session object.
  model.session = () => {
    const realtime = makeSession();
    const push = realtime.pushAudio.bind(realtime);
    realtime.pushAudio = (frame) => {
      const at = clockNow();
      if (detector.isOnset(frame.data, at)) log({ hop: 'job-in', at, room });
      push(frame);
    };
    return realtime;
  };
  return () => {
    const output = session.output.audio;
    if (!output) throw new Error('hop taps: the session has no audio output');
    output.on(voice.AudioOutput.EVENT_PLAYBACK_STARTED, (event: { createdAt: number }) =>
      log({ hop: 'job-out', at: event.createdAt, room }),
    );
  };
}
