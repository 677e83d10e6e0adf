import type { VoiceAgentErrorCode } from '../errors/errors.js';
import type { VoiceAgentState } from '../state/state.js';
import type { TranscriptSegment } from '../transcript/transcript.js';

/** `voice-agent-state`: the state changed. */
export interface VoiceAgentStateDetail {
  state: VoiceAgentState;
}

/** `voice-agent-transcript`: a caption was added or updated. */
export type VoiceAgentTranscriptDetail = TranscriptSegment;

/** `voice-agent-tool-call`: a client tool's handler settled (`result` or `error`). */
export type VoiceAgentToolCallDetail =
  | { name: string; arguments: unknown; result: unknown }
  | { name: string; arguments: unknown; error: { code: number; message: string } };

/** `voice-agent-tools`: the agent answered a tool declaration. */
export interface VoiceAgentToolsDetail {
  accepted: string[];
  rejected: { name: string; code: string; message: string }[];
}

/** `voice-agent-error`: something failed; `code` is stable (see the README). */
export interface VoiceAgentErrorDetail {
  code: VoiceAgentErrorCode;
  message: string;
  /** Seconds to wait before retrying, when the token service said so (429). */
  retryAfterSeconds?: number;
}

/** `voice-agent-ended`: the call is over, and why. */
export interface VoiceAgentEndedDetail {
  reason: 'user' | 'agent_left' | 'error';
}

/** Every event of `<voice-agent>`, with its detail. All bubble and cross the shadow root. */
export interface VoiceAgentEventMap {
  'voice-agent-state': CustomEvent<VoiceAgentStateDetail>;
  'voice-agent-transcript': CustomEvent<VoiceAgentTranscriptDetail>;
  'voice-agent-tool-call': CustomEvent<VoiceAgentToolCallDetail>;
  'voice-agent-tools': CustomEvent<VoiceAgentToolsDetail>;
  'voice-agent-error': CustomEvent<VoiceAgentErrorDetail>;
  'voice-agent-connected': CustomEvent<Record<string, never>>;
  'voice-agent-ended': CustomEvent<VoiceAgentEndedDetail>;
}

declare global {
  interface HTMLElementEventMap extends VoiceAgentEventMap {}
}

/** Dispatches one of the widget's events from `target`: bubbling, composed. */
export function emit<K extends keyof VoiceAgentEventMap>(
  target: EventTarget,
  type: K,
  detail: VoiceAgentEventMap[K]['detail'],
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
