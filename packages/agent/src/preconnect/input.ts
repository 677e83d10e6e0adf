import { ReadableStream, type ReadableStreamDefaultReader } from 'node:stream/web';
import { voice } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';

/**
 * A stream of `first` (once it resolves) followed by `live`. `live` is read only after
 * `first` is out, so what it carries meanwhile waits in its queue instead of being lost.
 */
export function prependFrames(
  first: Promise<AudioFrame[]>,
  live: ReadableStream<AudioFrame>,
): ReadableStream<AudioFrame> {
  let pending: AudioFrame[] | undefined;
  let reader: ReadableStreamDefaultReader<AudioFrame> | undefined;
  return new ReadableStream<AudioFrame>({
    async pull(controller) {
      pending ??= [...(await first.catch(() => []))];
      const next = pending.shift();
      if (next) {
        controller.enqueue(next);
        return;
      }
      reader ??= live.getReader();
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    // The session re-attaches inputs (e.g. on an agent handoff): leave `live` readable.
    cancel() {
      reader?.releaseLock();
    },
  });
}

/**
 * The session's audio input with the pre-connect buffer in front: wraps the input RoomIO
 * made for the visitor's microphone, and plays the buffered frames into the session before
 * the first live frame. Muting (attach state) goes to the wrapped input; buffered frames
 * still pending while muted are dropped. Its stream ends when the wrapped input's does
 * (RoomIO closes its own input).
 */
export class PreConnectAudioInput extends voice.AudioInput {
  private attached = true;
  readonly #stream: ReadableStream<AudioFrame>;

  constructor(
    private readonly live: voice.AudioInput,
    buffered: Promise<AudioFrame[]>,
  ) {
    super();
    const whileAttached = buffered.then((frames) => (this.attached ? frames : []));
    this.#stream = prependFrames(whileAttached, live.stream);
  }

  /**
   * The buffer, then the live frames, without the base class's `multiStream` in between: one
   * stream stage less on each of the visitor's 100 frames a second. Like `multiStream`'s
   * output, it outlives a reader (the session re-attaches inputs on an agent handoff).
   */
  override get stream(): ReadableStream<AudioFrame> {
    return this.#stream;
  }

  override setAttached(attached: boolean): void {
    this.attached = attached;
    this.live.setAttached(attached);
  }

  override onAttached(): void {
    this.live.onAttached();
  }

  override onDetached(): void {
    this.live.onDetached();
  }
}

/**
 * Puts the buffered frames in front of the audio input `session` gets next: RoomIO's input
 * for the visitor's microphone, assigned inside `session.start()`. Call before `start()`.
 *
 * Why before: @livekit/agents 1.9 cannot swap the input of a running session (the change
 * callback is passed unbound, and re-attaching sets the recognition stream's source twice),
 * and RoomIO builds its participant input inside `start()`. So the first input assigned to
 * `session.input.audio` is wrapped on its way in.
 */
export function prependToSessionInput(
  session: voice.AgentSession,
  buffered: Promise<AudioFrame[]>,
): void {
  const input = session.input;
  const accessor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), 'audio');
  const { get, set } = accessor ?? {};
  if (!get || !set) throw new Error('AgentInput.audio is no longer an accessor');
  let wrapped = false;
  Object.defineProperty(input, 'audio', {
    configurable: true,
    get() {
      return get.call(input);
    },
    set(value: voice.AudioInput | null) {
      if (value && !wrapped) {
        wrapped = true;
        set.call(input, new PreConnectAudioInput(value, buffered));
      } else set.call(input, value);
    },
  });
}
