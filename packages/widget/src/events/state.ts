import type { VoiceAgentState } from '../state/state.js';
import { VoiceAgentEvent } from './voice-agent-event.js';

/** `voice-agent-state`: the state changed. */
export interface VoiceAgentStateDetail {
  state: VoiceAgentState;
}

/** `voice-agent-state`: the state changed; `detail.state` is the new one. */
export class VoiceAgentStateEvent extends VoiceAgentEvent<VoiceAgentStateDetail> {
  static readonly type = 'voice-agent-state';

  constructor(detail: VoiceAgentStateDetail) {
    super(VoiceAgentStateEvent.type, detail);
  }
}
