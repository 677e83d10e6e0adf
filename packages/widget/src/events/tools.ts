import type { DeclareToolsResponse } from '@voice-agent/protocol';
import { VoiceAgentEvent } from './voice-agent-event.js';

/** `voice-agent-tools`: the agent answered a tool declaration. */
export type VoiceAgentToolsDetail = DeclareToolsResponse;

/** `voice-agent-tools`: the agent answered the page's tool declaration. */
export class VoiceAgentToolsEvent extends VoiceAgentEvent<VoiceAgentToolsDetail> {
  static readonly type = 'voice-agent-tools';

  constructor(detail: VoiceAgentToolsDetail) {
    super(VoiceAgentToolsEvent.type, detail);
  }
}
