import type { VoiceAgentErrorCode } from '../errors/errors.js';
import type { VoiceAgentState } from '../state/state.js';
import type { TranscriptSegment } from '../transcript/transcript.js';

// Node-safe: this module only declares classes over the global `Event` (in Node since 15),
// so Node code (test recorders, benches) can import the event list without a DOM.
// The custom-elements manifest leaves it out (the `manifest` script): the analyzer would read
// `eventOfType(...)` as a mixin over a class named after the type. The element's @fires tags
// name the classes.

/** The type of every event `<voice-agent>` fires: the one list hosts and tests listen to. */
export const VOICE_AGENT_EVENTS = [
  'voice-agent-state',
  'voice-agent-transcript',
  'voice-agent-tool-call',
  'voice-agent-tools',
  'voice-agent-error',
  'voice-agent-connected',
  'voice-agent-ended',
] as const;

/** The type name of one of the widget's events. */
export type VoiceAgentEventType = (typeof VOICE_AGENT_EVENTS)[number];

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

/** `voice-agent-connected`: the call is connected; nothing more to say. */
export type VoiceAgentConnectedDetail = Record<string, never>;

/** `voice-agent-ended`: the call is over, and why. */
export interface VoiceAgentEndedDetail {
  reason: 'user' | 'agent_left' | 'error';
}

/**
 * The base class of every event `<voice-agent>` fires: it bubbles and crosses the shadow root
 * (`composed`), and carries its data in `detail` (as a `CustomEvent` would).
 */
export class VoiceAgentEvent<Detail = unknown> extends Event {
  /** The event's data; its shape depends on the event's type. */
  readonly detail: Detail;

  constructor(type: VoiceAgentEventType, detail: Detail) {
    super(type, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** A class of `VoiceAgentEvent`s with one detail shape, constructed from the detail alone. */
type VoiceAgentEventClass<Detail> = new (detail: Detail) => VoiceAgentEvent<Detail>;

/** A subclass of `VoiceAgentEvent` whose constructor fixes the type: one per event. */
function eventOfType<Detail>(type: VoiceAgentEventType): VoiceAgentEventClass<Detail> {
  return class extends VoiceAgentEvent<Detail> {
    constructor(detail: Detail) {
      super(type, detail);
    }
  };
}

/** `voice-agent-state`: the state changed; `detail.state` is the new one. */
export class VoiceAgentStateEvent extends eventOfType<VoiceAgentStateDetail>('voice-agent-state') {}

/** `voice-agent-transcript`: a caption was added or updated (same `segmentId`, same caption). */
export class VoiceAgentTranscriptEvent extends eventOfType<VoiceAgentTranscriptDetail>(
  'voice-agent-transcript',
) {}

/** `voice-agent-tool-call`: a page tool's handler settled. */
export class VoiceAgentToolCallEvent extends eventOfType<VoiceAgentToolCallDetail>(
  'voice-agent-tool-call',
) {}

/** `voice-agent-tools`: the agent answered the page's tool declaration. */
export class VoiceAgentToolsEvent extends eventOfType<VoiceAgentToolsDetail>('voice-agent-tools') {}

/** `voice-agent-error`: something failed; `detail.code` says what. */
export class VoiceAgentErrorEvent extends eventOfType<VoiceAgentErrorDetail>('voice-agent-error') {}

/** `voice-agent-connected`: the call is connected to the room. */
export class VoiceAgentConnectedEvent extends eventOfType<VoiceAgentConnectedDetail>(
  'voice-agent-connected',
) {}

/** `voice-agent-ended`: the call is over; `detail.reason` says why. */
export class VoiceAgentEndedEvent extends eventOfType<VoiceAgentEndedDetail>('voice-agent-ended') {}

/** Every event of `<voice-agent>`, by type. */
export interface VoiceAgentEventMap {
  'voice-agent-state': VoiceAgentStateEvent;
  'voice-agent-transcript': VoiceAgentTranscriptEvent;
  'voice-agent-tool-call': VoiceAgentToolCallEvent;
  'voice-agent-tools': VoiceAgentToolsEvent;
  'voice-agent-error': VoiceAgentErrorEvent;
  'voice-agent-connected': VoiceAgentConnectedEvent;
  'voice-agent-ended': VoiceAgentEndedEvent;
}

declare global {
  interface HTMLElementEventMap extends VoiceAgentEventMap {}
}
