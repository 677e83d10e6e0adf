import { TRANSCRIPTION_ATTRIBUTES } from '@voice-agent/protocol';

/** Who said it. */
export type Speaker = 'user' | 'agent';

/** One caption: a segment of speech, updated until it is final. */
export interface TranscriptSegment {
  segmentId: string;
  role: Speaker;
  text: string;
  final: boolean;
}

/**
 * Whose speech a caption stream is. The agent sends both sides' captions, so the sender
 * alone does not tell: a caption of one of the visitor's own tracks (`lk.transcribed_track_id`)
 * is the visitor's, as is anything the visitor's own identity sent.
 */
export function speakerOf(stream: {
  senderIdentity: string;
  attributes: Record<string, string> | undefined;
  localIdentity: string;
  localTrackSids: readonly string[];
}): Speaker {
  const trackId = stream.attributes?.[TRANSCRIPTION_ATTRIBUTES.trackId];
  if (stream.senderIdentity === stream.localIdentity) return 'user';
  return trackId !== undefined && stream.localTrackSids.includes(trackId) ? 'user' : 'agent';
}

/**
 * Assembles captions from `lk.transcription` text streams. The agent's speech arrives as one
 * stream per segment whose chunks are deltas (the stream's end finishes the segment); the
 * visitor's arrives as one short stream per update, each holding the whole text so far, the
 * last one marked final. So a stream's text is the sum of its chunks, and a segment's text is
 * that of its latest stream.
 */
export class TranscriptLog {
  readonly #segments: TranscriptSegment[] = [];
  readonly #limit: number;

  /** Keeps at most `limit` segments (the oldest go first). */
  constructor(limit = 50) {
    this.#limit = limit;
  }

  /** The segments, oldest first. */
  get segments(): readonly TranscriptSegment[] {
    return this.#segments;
  }

  /** Puts a segment's new text in place (or appends it) and returns the stored copy. */
  update(segment: TranscriptSegment): TranscriptSegment {
    const index = this.#segments.findIndex((s) => s.segmentId === segment.segmentId);
    const stored = { ...segment };
    if (index >= 0) {
      this.#segments[index] = stored;
    } else {
      this.#segments.push(stored);
      if (this.#segments.length > this.#limit) this.#segments.shift();
    }
    return stored;
  }

  /** Forgets every segment (a new call starts a new transcript). */
  clear(): void {
    this.#segments.length = 0;
  }
}

/**
 * Follows one text stream: feed it the chunks, it yields the segment after each one.
 * `final` comes from the stream's attribute, or from the stream ending when the agent speaks.
 */
export class TranscriptStream {
  #text = '';
  readonly #segmentId: string;
  readonly #role: Speaker;
  readonly #finalAttribute: boolean;

  constructor(options: {
    streamId: string;
    role: Speaker;
    attributes: Record<string, string> | undefined;
  }) {
    const attributes = options.attributes ?? {};
    this.#segmentId = attributes[TRANSCRIPTION_ATTRIBUTES.segmentId] ?? options.streamId;
    this.#role = options.role;
    this.#finalAttribute = attributes[TRANSCRIPTION_ATTRIBUTES.final] === 'true';
  }

  /** The segment after one more chunk. */
  push(chunk: string): TranscriptSegment {
    this.#text += chunk;
    return this.#segment(this.#finalAttribute);
  }

  /** The segment once the stream has ended. */
  end(): TranscriptSegment {
    return this.#segment(this.#finalAttribute || this.#role === 'agent');
  }

  #segment(final: boolean): TranscriptSegment {
    return { segmentId: this.#segmentId, role: this.#role, text: this.#text, final };
  }
}
