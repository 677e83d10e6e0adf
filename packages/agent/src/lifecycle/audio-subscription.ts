import { type Room, RoomEvent } from '@livekit/rtc-node';

/** How long the visitor's client has to subscribe to the agent's audio once it is published. */
export const AUDIO_SUBSCRIPTION_LIMIT_MS = 15_000;

/** Another limit (ms) for a worker's jobs: tests shorten it to see it pass. */
export const AUDIO_SUBSCRIPTION_LIMIT_VARIABLE = 'VOICE_AGENT_AUDIO_SUBSCRIPTION_LIMIT_MS';

/** The limit: the variable's, set to a positive number, else {@link AUDIO_SUBSCRIPTION_LIMIT_MS}. */
export function audioSubscriptionLimitMs(env: NodeJS.ProcessEnv = process.env): number {
  const set = Number(env[AUDIO_SUBSCRIPTION_LIMIT_VARIABLE]);
  return set > 0 ? set : AUDIO_SUBSCRIPTION_LIMIT_MS;
}

/**
 * Calls `onUnheard` if nobody has subscribed to the agent's audio `limitMs` after this call,
 * while `visitor` is in the room (a visitor away then is the grace period's case: the wait
 * starts again). Returns a function that stops the watch.
 *
 * Why: @livekit/agents 1.9's room audio output plays nothing before the first subscription
 * (`ParticipantAudioOutput.captureFrame` awaits it, with no time limit), and the captions
 * follow the audio. A subscription that never comes (a negotiation lost between a client and
 * the server; seen in CI under load) leaves the model's greeting and every later answer
 * unheard, the agent `listening`, and no error anywhere. Call before `session.start()`, which
 * publishes the track, so that no subscription is missed.
 */
export function watchAudioSubscription(
  room: Room,
  visitor: string,
  limitMs: number,
  onUnheard: () => void,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    clearTimeout(timer);
    room.off(RoomEvent.LocalTrackSubscribed, stop);
  };
  const wait = () => {
    timer = setTimeout(() => {
      if (!room.remoteParticipants.has(visitor)) return wait();
      stop();
      onUnheard();
    }, limitMs);
  };
  room.on(RoomEvent.LocalTrackSubscribed, stop);
  wait();
  return stop;
}
