import { Future, log } from '@livekit/agents';
import {
  type AudioFrame,
  type ByteStreamReader,
  ParticipantKind,
  type RemoteParticipant,
  type RemoteTrackPublication,
  type Room,
  RoomEvent,
  TrackSource,
} from '@livekit/rtc-node';
import { withinTimeLimit } from '../time-limit.js';
import { decodeRecording, type PcmFormat, SESSION_PCM_FORMAT } from './decode.js';

/** The byte stream topic livekit-client sends its pre-connect recording on. */
export const PRE_CONNECT_AUDIO_TOPIC = 'lk.agent.pre-connect-audio-buffer';

type AudioTrackFeature = NonNullable<RemoteTrackPublication['info']>['audioFeatures'][number];

/**
 * `AudioTrackFeature.TF_PRECONNECT_BUFFER`: livekit-client lists it in the TrackInfo of a
 * microphone it records a pre-connect buffer for. rtc-node 0.13 exposes the publication's
 * features but not their enum, so the wire value (the same in LiveKit's protocol) is here.
 */
export const PRE_CONNECT_BUFFER_FEATURE: AudioTrackFeature = 6;

/**
 * Whether a buffer can come for `publication`: false for a visitor's microphone published
 * without the pre-connect feature, true for one with it, undefined for anything else (not a
 * visitor's microphone, or its features unknown).
 */
function recordsPreConnectAudio(
  publication: RemoteTrackPublication,
  sender: RemoteParticipant | undefined,
): boolean | undefined {
  const features = publication.info?.audioFeatures;
  if (!features || publication.source !== TrackSource.SOURCE_MICROPHONE) return undefined;
  if (!sender || sender.kind === ParticipantKind.AGENT) return undefined;
  return features.includes(PRE_CONNECT_BUFFER_FEATURE);
}

export interface PreConnectAudioOptions {
  /**
   * How long to wait, from construction, for a visitor's buffer to start. Default 5,000 ms.
   * No wait once the visitor's microphone is known to record no buffer.
   */
  startTimeoutMs?: number;
  /** How long receiving and decoding one buffer may take. Default 10,000 ms. */
  readTimeoutMs?: number;
  /** The largest recording accepted, in bytes. Default 1 MiB (10 s of Opus is ~60 KB). */
  maxBytes?: number;
  /** The PCM format to decode to. Default: the session's input format. */
  format?: PcmFormat;
}

export type PreConnectAudioErrorCode = 'too_large' | 'timeout' | 'undecodable';

/** Why a pre-connect buffer was dropped (logged; the session goes on without it). */
export class PreConnectAudioError extends Error {
  constructor(
    readonly code: PreConnectAudioErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'PreConnectAudioError';
  }
}

/** Collects a recording's chunks (at most `maxBytes`) and decodes it to PCM frames. */
export async function readRecording(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  format: PcmFormat = SESSION_PCM_FORMAT,
): Promise<AudioFrame[]> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new PreConnectAudioError('too_large', `over ${maxBytes} bytes`);
    parts.push(chunk);
  }
  const frames = await decodeRecording(Buffer.concat(parts), format);
  if (frames.length === 0) {
    throw new PreConnectAudioError('undecodable', `${size} bytes that ffmpeg could not decode`);
  }
  return frames;
}

/** What the reader needs to know of a buffer's sender. */
export type Sender = Pick<RemoteParticipant, 'kind' | 'trackPublications'>;

/** What a buffer's sender must be: a visitor (not an agent) sending its own microphone. */
export function refusalOf(
  sender: Sender | undefined,
  trackId: string | undefined,
): string | undefined {
  if (!trackId) return 'no trackId attribute';
  if (!sender) return 'the sender is not in the room';
  if (sender.kind === ParticipantKind.AGENT) return 'the sender is an agent';
  if (sender.trackPublications.get(trackId)?.source !== TrackSource.SOURCE_MICROPHONE) {
    return "trackId is not the sender's microphone";
  }
  return undefined;
}

/**
 * The reader of livekit-client's pre-connect audio buffer: what the visitor said between the
 * click and the agent joining, recorded in the browser and sent once the agent is ACTIVE.
 * Register it before connecting; `frames` resolves with the first valid buffer, decoded, or
 * with no frames when none starts in time or it is unusable (too large, too slow, undecodable),
 * and at once when the visitor's microphone was published without a pre-connect buffer.
 */
export class PreConnectAudio {
  /** The visitor's buffered audio as PCM frames; empty when there is none. */
  readonly frames: Promise<AudioFrame[]>;
  readonly #frames = new Future<AudioFrame[]>();
  /** Waiting for a buffer to start, reading one, or done (`frames` has resolved). */
  private state: 'waiting' | 'reading' | 'settled' = 'waiting';
  /** Set once a visitor's microphone is seen recording a buffer: then it is worth the wait. */
  private bufferPromised = false;
  private readonly startTimer: NodeJS.Timeout;
  private readonly readTimeoutMs: number;
  private readonly maxBytes: number;
  private readonly format: PcmFormat;
  private readonly logger = log();

  constructor(options: PreConnectAudioOptions = {}) {
    this.readTimeoutMs = options.readTimeoutMs ?? 10_000;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.format = options.format ?? SESSION_PCM_FORMAT;
    this.frames = this.#frames.await;
    this.startTimer = setTimeout(() => {
      if (this.state === 'waiting') this.settle([]);
    }, options.startTimeoutMs ?? 5_000);
    this.startTimer.unref();
  }

  /**
   * Handles the topic on `room` and watches microphones published from now on: call before
   * `connect()`, so no buffer or publication goes unseen. Call `afterConnect` after it.
   */
  register(room: Room): void {
    room.registerByteStreamHandler(PRE_CONNECT_AUDIO_TOPIC, (reader, { identity }) => {
      void this.receive(reader, identity, room.remoteParticipants.get(identity));
    });
    room.on(RoomEvent.TrackPublished, (publication, participant) => {
      this.published(publication, participant);
    });
  }

  /** Looks at the microphones already published when the agent joined: call after `connect()`. */
  afterConnect(room: Room): void {
    for (const participant of room.remoteParticipants.values()) {
      for (const publication of participant.trackPublications.values()) {
        this.published(publication, participant);
      }
    }
  }

  /**
   * Stops waiting when a visitor's microphone is published without a pre-connect buffer,
   * unless one with a buffer was seen first.
   */
  private published(
    publication: RemoteTrackPublication,
    participant: RemoteParticipant | undefined,
  ): void {
    const records = recordsPreConnectAudio(publication, participant);
    if (records) this.bufferPromised = true;
    if (records !== false || this.bufferPromised || this.state !== 'waiting') return;
    this.logger.info(
      { identity: participant?.identity, trackId: publication.sid },
      'no pre-connect audio buffer: the microphone was published without one',
    );
    this.settle([]);
  }

  /** Reads one buffer; only the first from a visitor's own microphone counts. */
  async receive(
    reader: ByteStreamReader,
    identity: string,
    sender: Sender | undefined,
  ): Promise<void> {
    const trackId = reader.info.attributes?.trackId;
    const refusal =
      this.state === 'waiting'
        ? refusalOf(sender, trackId)
        : this.state === 'reading'
          ? 'a buffer was already taken'
          : 'no longer waiting for a buffer';
    if (refusal) {
      this.logger.warn({ identity, trackId, refusal }, 'ignoring a pre-connect audio buffer');
      await reader.close();
      return;
    }
    this.state = 'reading';
    clearTimeout(this.startTimer);
    try {
      const frames = await withinTimeLimit(
        readRecording(reader, this.maxBytes, this.format),
        this.readTimeoutMs,
        () => new PreConnectAudioError('timeout', `not read in ${this.readTimeoutMs} ms`),
      );
      const seconds = frames.reduce((sum, f) => sum + f.samplesPerChannel / f.sampleRate, 0);
      this.logger.info({ identity, trackId, seconds }, 'pre-connect audio buffer received');
      this.settle(frames);
    } catch (error) {
      this.logger.warn({ identity, trackId, error }, 'pre-connect audio buffer dropped');
      this.settle([]);
      await reader.close();
    }
  }

  private settle(frames: AudioFrame[]): void {
    this.state = 'settled';
    clearTimeout(this.startTimer);
    this.#frames.resolve(frames);
  }
}
