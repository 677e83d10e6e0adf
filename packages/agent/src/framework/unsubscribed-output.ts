import { FRAMEWORK_INDEX, requireFrameworkVersion } from './framework-version.js';
import { FrameworkShapeError } from './google-plugin.js';

/**
 * @livekit/agents 1.9.0's RoomIO starts its audio output in a task that publishes the agent's
 * track and then awaits `publication.waitForSubscription()`, a wait its abort signal does not
 * reach (`ParticipantAudioOutput.publishTrack`). `RoomIO.close` aborts that task and waits for
 * it, so a session that closes before the visitor subscribed to the agent's audio (a visitor
 * who hangs up within a second or so of joining, or a call that fails that early) never
 * finishes closing: the job waits out the framework's 60 s limit on `AgentSession.close()`,
 * skips its session-end work, and holds its job process meanwhile. This ends the wait when the
 * task is aborted; the output is closing then and will not play anything.
 */
requireFrameworkVersion('unsubscribed output', '1.9.0');

type PublishTrack = (this: unknown, signal: AbortSignal) => Promise<void>;

const { ParticipantAudioOutput } = (await import(
  new URL('./voice/room_io/_output.js', FRAMEWORK_INDEX).href
)) as { ParticipantAudioOutput?: { prototype: { publishTrack?: PublishTrack } } };
const proto = ParticipantAudioOutput?.prototype;
const publishTrack = proto?.publishTrack;
if (!proto || typeof publishTrack !== 'function' || publishTrack.length !== 1) {
  throw new FrameworkShapeError('ParticipantAudioOutput.publishTrack(signal) moved');
}

proto.publishTrack = function (this: unknown, signal: AbortSignal): Promise<void> {
  const publishing = publishTrack.call(this, signal);
  if (signal.aborted) return publishing;
  return new Promise<void>((resolve, reject) => {
    const abandon = () => resolve();
    signal.addEventListener('abort', abandon, { once: true });
    publishing.then(resolve, reject).finally(() => signal.removeEventListener('abort', abandon));
  });
};
