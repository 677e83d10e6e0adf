import type { VoiceAgentErrorCode } from '../errors/errors.js';
import { VoiceAgentEvent } from './voice-agent-event.js';

/** `voice-agent-error`: something failed; `code` is stable (see the README). */
export interface VoiceAgentErrorDetail {
  code: VoiceAgentErrorCode;
  message: string;
  /** Seconds to wait before retrying, when the token service said so (429). */
  retryAfterSeconds?: number;
}

/** `voice-agent-error`: something failed; `detail.code` says what. */
export class VoiceAgentErrorEvent extends VoiceAgentEvent<VoiceAgentErrorDetail> {
  static readonly type = 'voice-agent-error';

  constructor(detail: VoiceAgentErrorDetail) {
    super(VoiceAgentErrorEvent.type, detail);
  }
}
