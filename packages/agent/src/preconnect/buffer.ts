import { log } from '@livekit/agents';
import {
  type AudioFrame,
  type ByteStreamReader,
  ParticipantKind,
  type RemoteParticipant,
  type Room,
  TrackSource,
} from '@livekit/rtc-node';
import { decodeRecording, type PcmFormat, SESSION_PCM_FORMAT } from './decode.js';

/** The byte stream topic livekit-client sends its pre-connect recording on. */
export const PRE_CONNECT_AUDIO_TOPIC = 'lk.agent.pre-connect-audio-buffer';

export interface PreConnectAudioOptions {
  /** How long to wait, from construction, for a visitor's buffer to start. Default 5,000 ms. */
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
 * with no frames when none starts in time or it is unusable (too large, too slow, undecodable).
 */
export class PreConnectAudio {
  /** The visitor's buffered audio as PCM frames; empty when there is none. */
  readonly frames: Promise<AudioFrame[]>;
  private settle: (frames: AudioFrame[]) => void = () => undefined;
  private accepted = false;
  private readonly startTimer: NodeJS.Timeout;
  private readonly readTimeoutMs: number;
  private readonly maxBytes: number;
  private readonly format: PcmFormat;
  private readonly logger = log();

  constructor(options: PreConnectAudioOptions = {}) {
    this.readTimeoutMs = options.readTimeoutMs ?? 10_000;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.format = options.format ?? SESSION_PCM_FORMAT;
    this.frames = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.startTimer = setTimeout(() => {
      if (!this.accepted) this.settle([]);
    }, options.startTimeoutMs ?? 5_000);
    this.startTimer.unref();
  }

  /** Handles the topic on `room`: call before `connect()`, so no buffer can arrive unhandled. */
  register(room: Room): void {
    room.registerByteStreamHandler(PRE_CONNECT_AUDIO_TOPIC, (reader, { identity }) => {
      void this.receive(reader, identity, room.remoteParticipants.get(identity));
    });
  }

  /** Reads one buffer; only the first from a visitor's own microphone counts. */
  async receive(
    reader: ByteStreamReader,
    identity: string,
    sender: Sender | undefined,
  ): Promise<void> {
    const trackId = reader.info.attributes?.trackId;
    const refusal = this.accepted ? 'a buffer was already taken' : refusalOf(sender, trackId);
    if (refusal) {
      this.logger.warn({ identity, trackId, refusal }, 'ignoring a pre-connect audio buffer');
      await reader.close();
      return;
    }
    this.accepted = true;
    clearTimeout(this.startTimer);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PreConnectAudioError('timeout', `not read in ${this.readTimeoutMs} ms`)),
        this.readTimeoutMs,
      );
    });
    try {
      const frames = await Promise.race([
        readRecording(reader, this.maxBytes, this.format),
        timeout,
      ]);
      const seconds = frames.reduce((sum, f) => sum + f.samplesPerChannel / f.sampleRate, 0);
      this.logger.info({ identity, trackId, seconds }, 'pre-connect audio buffer received');
      this.settle(frames);
    } catch (error) {
      this.logger.warn({ identity, trackId, error }, 'pre-connect audio buffer dropped');
      this.settle([]);
      await reader.close();
    } finally {
      clearTimeout(timer);
    }
  }
}
