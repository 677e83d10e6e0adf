import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { defineVoiceAgent } from '../define/define.js';
import type { VoiceAgentEventMap } from '../voice-agent/events.js';
import { VoiceAgentElement } from '../voice-agent/voice-agent.js';

defineVoiceAgent();

function event<K extends keyof VoiceAgentEventMap>(name: K): EventName<VoiceAgentEventMap[K]> {
  return name as EventName<VoiceAgentEventMap[K]>;
}

/**
 * `<VoiceAgent>`: the React wrapper of `<voice-agent>`. Attributes become camelCase props
 * (`tokenUrl`, `agentName`, ...); events become `onState`, `onTranscript`, `onToolCall`,
 * `onTools`, `onError`, `onConnected`, `onEnded`. Use a ref for the methods.
 */
export const VoiceAgent = createComponent({
  tagName: 'voice-agent',
  elementClass: VoiceAgentElement,
  react: React,
  events: {
    onState: event('voice-agent-state'),
    onTranscript: event('voice-agent-transcript'),
    onToolCall: event('voice-agent-tool-call'),
    onTools: event('voice-agent-tools'),
    onError: event('voice-agent-error'),
    onConnected: event('voice-agent-connected'),
    onEnded: event('voice-agent-ended'),
  },
  displayName: 'VoiceAgent',
});

export { VoiceAgentElement };
