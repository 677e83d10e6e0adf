export {
  CLIENT_TOOL_LIMITS,
  type JsonSchema,
  MODEL_STATUS,
  MODEL_STATUS_ATTRIBUTE,
  TOOL_CALL_ERRORS,
} from '@voice-agent/protocol';

import { defineVoiceAgent } from './define/define.js';
import type { VoiceAgentElement } from './voice-agent/voice-agent.js';

export { defineVoiceAgent } from './define/define.js';
export { ERROR_CODES, VoiceAgentError, type VoiceAgentErrorCode } from './errors/errors.js';
export {
  VOICE_AGENT_EVENT_CLASSES,
  VOICE_AGENT_EVENTS,
  type VoiceAgentConnectedDetail,
  VoiceAgentConnectedEvent,
  type VoiceAgentEndedDetail,
  VoiceAgentEndedEvent,
  type VoiceAgentErrorDetail,
  VoiceAgentErrorEvent,
  VoiceAgentEvent,
  type VoiceAgentEventMap,
  type VoiceAgentEventType,
  type VoiceAgentStateDetail,
  VoiceAgentStateEvent,
  type VoiceAgentToolCallDetail,
  VoiceAgentToolCallEvent,
  type VoiceAgentToolsDetail,
  VoiceAgentToolsEvent,
  type VoiceAgentTranscriptDetail,
  VoiceAgentTranscriptEvent,
} from './events/events.js';
export { LANGUAGES, type MessageOverrides, type Messages } from './i18n/i18n.js';
export { STATES, type VoiceAgentState } from './state/state.js';
export type { TokenCredentials, TokenHeaders } from './token/token.js';
export type { ClientTool, ToolCallContext } from './tools/tools.js';
export { ToolCallCancelledError } from './tools/tools.js';
export type { Speaker, TranscriptSegment } from './transcript/transcript.js';
export { VERSION } from './version.js';
export { VoiceAgentElement } from './voice-agent/voice-agent.js';
export type { VoiceAgentPosition, VoiceAgentTheme } from './voice-agent/voice-agent.options.js';

declare global {
  interface HTMLElementTagNameMap {
    'voice-agent': VoiceAgentElement;
  }
}

defineVoiceAgent();
