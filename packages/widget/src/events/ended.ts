import { VoiceAgentEvent } from './voice-agent-event.js';

/** `voice-agent-ended`: the call is over, and why. */
export interface VoiceAgentEndedDetail {
  reason: 'user' | 'agent_left' | 'error';
}

/** `voice-agent-ended`: the call is over; `detail.reason` says why. */
export class VoiceAgentEndedEvent extends VoiceAgentEvent<VoiceAgentEndedDetail> {
  static readonly type = 'voice-agent-ended';

  constructor(detail: VoiceAgentEndedDetail) {
    super(VoiceAgentEndedEvent.type, detail);
  }
}
