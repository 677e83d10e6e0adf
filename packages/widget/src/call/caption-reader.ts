import { TOPICS } from '@voice-agent/protocol';
import type { Room } from 'livekit-client';
import { speakerOf, type TranscriptLog, TranscriptStream } from '../transcript/transcript.js';

type Segment = Parameters<TranscriptLog['update']>[0];
type TextStreamReader = Parameters<Parameters<Room['registerTextStreamHandler']>[1]>[0];

/**
 * Reads the captions of both sides (`lk.transcription` text streams) and hands each update to
 * `onCaption`, until `signal` aborts. Register before connecting.
 */
export function readCaptions(
  room: Room,
  signal: AbortSignal,
  onCaption: (segment: Segment) => void,
): void {
  room.registerTextStreamHandler(TOPICS.transcription, (reader, { identity }) => {
    const role = speakerOf({
      senderIdentity: identity,
      attributes: reader.info.attributes,
      localIdentity: room.localParticipant.identity,
      localTrackSids: [...room.localParticipant.trackPublications.keys()],
    });
    void readStream(reader, role, signal, onCaption);
  });
}

async function readStream(
  reader: TextStreamReader,
  role: 'user' | 'agent',
  signal: AbortSignal,
  onCaption: (segment: Segment) => void,
): Promise<void> {
  const stream = new TranscriptStream({
    streamId: reader.info.id,
    role,
    attributes: reader.info.attributes,
  });
  try {
    for await (const chunk of reader) {
      if (signal.aborted) return;
      onCaption(stream.push(chunk));
    }
  } catch {
    // The stream broke off (the call ended mid-caption, or the agent left): what arrived stays.
  }
  if (!signal.aborted) onCaption(stream.end());
}
