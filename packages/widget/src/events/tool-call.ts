import { VoiceAgentEvent } from './voice-agent-event.js';

/** `voice-agent-tool-call`: a client tool's handler settled (`result` or `error`). */
export type VoiceAgentToolCallDetail =
  | { name: string; arguments: unknown; result: unknown }
  | { name: string; arguments: unknown; error: { code: number; message: string } };

/** `voice-agent-tool-call`: a page tool's handler settled. */
export class VoiceAgentToolCallEvent extends VoiceAgentEvent<VoiceAgentToolCallDetail> {
  static readonly type = 'voice-agent-tool-call';

  constructor(detail: VoiceAgentToolCallDetail) {
    super(VoiceAgentToolCallEvent.type, detail);
  }
}
