import type { TranscriptSegment } from '../transcript/transcript.js';
import { VoiceAgentEvent } from './voice-agent-event.js';

/** `voice-agent-transcript`: a caption was added or updated. */
export type VoiceAgentTranscriptDetail = TranscriptSegment;

/** `voice-agent-transcript`: a caption was added or updated (same `segmentId`, same caption). */
export class VoiceAgentTranscriptEvent extends VoiceAgentEvent<VoiceAgentTranscriptDetail> {
  static readonly type = 'voice-agent-transcript';

  constructor(detail: VoiceAgentTranscriptDetail) {
    super(VoiceAgentTranscriptEvent.type, detail);
  }
}
