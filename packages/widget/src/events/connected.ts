import { VoiceAgentEvent } from './voice-agent-event.js';

/** `voice-agent-connected`: the call is connected; nothing more to say. */
export type VoiceAgentConnectedDetail = Record<string, never>;

/** `voice-agent-connected`: the call is connected to the room. */
export class VoiceAgentConnectedEvent extends VoiceAgentEvent<VoiceAgentConnectedDetail> {
  static readonly type = 'voice-agent-connected';

  constructor(detail: VoiceAgentConnectedDetail) {
    super(VoiceAgentConnectedEvent.type, detail);
  }
}
