import { voice } from '@livekit/agents';
import { AudioFrame, type Room } from '@livekit/rtc-node';
import { clockNow, type HopOnset, hopLog, OnsetDetector } from './hop-log.js';

/** The realtime session's one method the tap wraps: the visitor's audio going to Gemini. */
interface AudioPushing {
  pushAudio(frame: AudioFrame): void;
}

/**
 * The job's hops of a turn, when `VOICE_AGENT_HOP_LOG` is set (else it does nothing):
 * `job-rtc` when the frame that starts a sound reached JavaScript from rtc-node's native
 * receiver (its FFI event made it an `AudioFrame`), `job-in` when that frame reaches the
 * realtime session (after RoomIO's streams), with a `job-jitter` line of the receiver's
 * jitter buffer statistics, and `job-out` when the agent's answer goes to rtc-node's audio
 * source (the framework's playback start, stamped just before its first frame is captured).
 * Call before `session.start()`; call the returned function after it, once the room output
 * exists.
 */
export function tapJobHops(session: voice.AgentSession, room: Room): (() => void) | undefined {
  const log = hopLog();
  if (!log) return undefined;
  const roomName = room.name ?? '';
  const model = session.llm as unknown as { session?: () => AudioPushing } | undefined;
  const makeSession = model?.session?.bind(model);
  if (!model || !makeSession) throw new Error('hop taps: the session has no realtime model');
  const arrivals = frameArrivals();
  const detector = new OnsetDetector();
  // Per realtime session the model makes: a reconnect keeps the same session object.
  model.session = () => {
    const realtime = makeSession();
    const push = realtime.pushAudio.bind(realtime);
    realtime.pushAudio = (frame) => {
      const at = clockNow();
      if (detector.isOnset(frame.data, at)) {
        const arrived = arrivals.get(frame);
        if (arrived !== undefined) log({ hop: 'job-rtc', at: arrived, room: roomName });
        log({ hop: 'job-in', at, room: roomName });
        void logJitterBuffer(room, log, roomName);
      }
      push(frame);
    };
    return realtime;
  };
  return () => {
    const output = session.output.audio;
    if (!output) throw new Error('hop taps: the session has no audio output');
    output.on(voice.AudioOutput.EVENT_PLAYBACK_STARTED, (event: { createdAt: number }) =>
      log({ hop: 'job-out', at: event.createdAt, room: roomName }),
    );
  };
}

let arrivalTimes: WeakMap<AudioFrame, number> | undefined;

/**
 * When each `AudioFrame` of the process was made from rtc-node's native side: rtc-node's
 * `AudioStream` makes every received frame with `AudioFrame.fromOwnedInfo` in the handler of
 * its FFI event, so wrapping that static stamps the frame's arrival in JavaScript. Measuring
 * only (the hop log is opt-in), once per process.
 */
function frameArrivals(): WeakMap<AudioFrame, number> {
  if (arrivalTimes) return arrivalTimes;
  const times = new WeakMap<AudioFrame, number>();
  const fromOwnedInfo = AudioFrame.fromOwnedInfo;
  if (typeof fromOwnedInfo !== 'function') {
    throw new Error('hop taps: rtc-node has no AudioFrame.fromOwnedInfo any more');
  }
  AudioFrame.fromOwnedInfo = (owned) => {
    const frame = fromOwnedInfo.call(AudioFrame, owned);
    times.set(frame, clockNow());
    return frame;
  };
  arrivalTimes = times;
  return times;
}

/** The job's receiver of the visitor's audio: its jitter buffer so far (rtc-node's stats). */
async function logJitterBuffer(
  room: Room,
  log: (onset: HopOnset) => void,
  roomName: string,
): Promise<void> {
  const stats = await room.getRtcStats().catch(() => undefined);
  // With the dev server, one peer connection carries both directions: rtc-node lists it
  // under the publisher's stats, and the subscriber's list is empty.
  for (const { stats: entry } of [
    ...(stats?.subscriberStats ?? []),
    ...(stats?.publisherStats ?? []),
  ]) {
    if (entry.case !== 'inboundRtp' || entry.value.stream?.kind !== 'audio') continue;
    const inbound = entry.value.inbound;
    if (!inbound) continue;
    log({
      hop: 'job-jitter',
      at: clockNow(),
      room: roomName,
      jitterBuffer: {
        delay: inbound.jitterBufferDelay ?? 0,
        target: inbound.jitterBufferTargetDelay ?? 0,
        minimum: inbound.jitterBufferMinimumDelay ?? 0,
        emitted: Number(inbound.jitterBufferEmittedCount ?? 0n),
      },
    });
  }
}
