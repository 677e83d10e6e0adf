import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { defineVoiceAgent } from '../define/define.js';
import {
  VOICE_AGENT_EVENTS,
  type VoiceAgentEventMap,
  type VoiceAgentEventType,
} from '../events/events.js';
import { VoiceAgentElement } from '../voice-agent/voice-agent.js';

defineVoiceAgent();

type CamelCase<Name extends string> = Name extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : Name;

/** `voice-agent-tool-call` → `onToolCall`. */
type EventProp<Type extends string> = Type extends `voice-agent-${infer Name}`
  ? `on${Capitalize<CamelCase<Name>>}`
  : never;

/** The wrapper's event props, one per event of the element's event map. */
export type VoiceAgentReactEvents = {
  [Type in VoiceAgentEventType as EventProp<Type>]: EventName<VoiceAgentEventMap[Type]>;
};

function eventProp(type: VoiceAgentEventType): string {
  const name = type.slice('voice-agent-'.length);
  return `on${name.replace(/(^|-)([a-z])/g, (_, _dash, letter: string) => letter.toUpperCase())}`;
}

const events = Object.fromEntries(
  VOICE_AGENT_EVENTS.map((type) => [eventProp(type), type]),
) as VoiceAgentReactEvents;

/**
 * `<VoiceAgent>`: the React wrapper of `<voice-agent>`. Attributes become camelCase props
 * (`tokenUrl`, `agentName`, ...); each event becomes a prop named after it: `onState`,
 * `onTranscript`, `onToolCall`, `onTools`, `onError`, `onConnected`, `onEnded`. Use a ref for
 * the methods.
 */
export const VoiceAgent = createComponent({
  tagName: 'voice-agent',
  elementClass: VoiceAgentElement,
  react: React,
  events,
  displayName: 'VoiceAgent',
});

export { VoiceAgentElement };
