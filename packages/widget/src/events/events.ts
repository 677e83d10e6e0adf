import { VoiceAgentConnectedEvent } from './connected.js';
import { VoiceAgentEndedEvent } from './ended.js';
import { VoiceAgentErrorEvent } from './error.js';
import { VoiceAgentStateEvent } from './state.js';
import { VoiceAgentToolCallEvent } from './tool-call.js';
import { VoiceAgentToolsEvent } from './tools.js';
import { VoiceAgentTranscriptEvent } from './transcript.js';

export { type VoiceAgentConnectedDetail, VoiceAgentConnectedEvent } from './connected.js';
export { type VoiceAgentEndedDetail, VoiceAgentEndedEvent } from './ended.js';
export { type VoiceAgentErrorDetail, VoiceAgentErrorEvent } from './error.js';
export { type VoiceAgentStateDetail, VoiceAgentStateEvent } from './state.js';
export { type VoiceAgentToolCallDetail, VoiceAgentToolCallEvent } from './tool-call.js';
export { type VoiceAgentToolsDetail, VoiceAgentToolsEvent } from './tools.js';
export { type VoiceAgentTranscriptDetail, VoiceAgentTranscriptEvent } from './transcript.js';
export { VoiceAgentEvent } from './voice-agent-event.js';

/** Every event class of `<voice-agent>`, in the README's order: the one list. */
export const VOICE_AGENT_EVENT_CLASSES = [
  VoiceAgentStateEvent,
  VoiceAgentTranscriptEvent,
  VoiceAgentToolCallEvent,
  VoiceAgentToolsEvent,
  VoiceAgentErrorEvent,
  VoiceAgentConnectedEvent,
  VoiceAgentEndedEvent,
] as const;

type EventClasses = typeof VOICE_AGENT_EVENT_CLASSES;
type TypesOf<Classes extends readonly { type: string }[]> = {
  readonly [I in keyof Classes]: Classes[I]['type'];
};

/** The type of every event `<voice-agent>` fires: the one list hosts and tests listen to. */
export const VOICE_AGENT_EVENTS = VOICE_AGENT_EVENT_CLASSES.map(
  ({ type }) => type,
) as unknown as TypesOf<EventClasses>;

/** The type name of one of the widget's events. */
export type VoiceAgentEventType = EventClasses[number]['type'];

/** Every event of `<voice-agent>`, by type. */
export type VoiceAgentEventMap = {
  [Class in EventClasses[number] as Class['type']]: InstanceType<Class>;
};

declare global {
  interface HTMLElementEventMap extends VoiceAgentEventMap {}
}
