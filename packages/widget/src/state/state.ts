import { MODEL_STATUS } from '@voice-agent/protocol';

/**
 * What the widget is doing. `idle` before the first start, `reconnecting` while the agent
 * restores a lost connection (to its model) or a new agent takes over from one whose worker
 * died, `ended` after `end()` or the agent leaving,
 * `error` after a failure (the `voice-agent-error` event says which).
 */
export type VoiceAgentState =
  | 'idle'
  | 'connecting'
  | 'reconnecting'
  | 'listening'
  | 'thinking'
  | 'speaking'
  | 'ended'
  | 'error';

/** Every {@link VoiceAgentState}, in the order a call usually goes through them. */
export const STATES: readonly VoiceAgentState[] = [
  'idle',
  'connecting',
  'reconnecting',
  'listening',
  'thinking',
  'speaking',
  'ended',
  'error',
];

/** What the agent's attributes say: `lk.agent.state` and `voice-agent.model`. */
export interface AgentStatus {
  state: string | undefined;
  model: string | undefined;
}

/** What happened to the call; {@link nextState} turns it into the new state. */
export type CallEvent =
  | { type: 'start' }
  | ({ type: 'agent' } & AgentStatus)
  | { type: 'connection-lost' }
  /** The agent's worker died; a new agent is expected to take the call over. */
  | { type: 'agent-lost' }
  | { type: 'end' }
  | { type: 'fail' };

/** States in which a call is under way (a new `start()` is ignored). */
export function isActive(state: VoiceAgentState): boolean {
  return state !== 'idle' && state !== 'ended' && state !== 'error';
}

/**
 * Maps the agent's `lk.agent.state` attribute to a widget state. `initializing` (or no
 * attribute yet) means the agent is not ready: the widget keeps saying "connecting" so the
 * visitor does not talk into a session that cannot hear them yet.
 */
export function stateFromAgentAttribute(value: string | undefined): VoiceAgentState {
  switch (value) {
    case 'listening':
    case 'thinking':
    case 'speaking':
      return value;
    default:
      return 'connecting';
  }
}

/** The state machine of a call: pure, so every transition is unit-tested. */
export function nextState(current: VoiceAgentState, event: CallEvent): VoiceAgentState {
  switch (event.type) {
    case 'start':
      return isActive(current) ? current : 'connecting';
    case 'agent':
      if (!isActive(current)) return current;
      if (event.model === MODEL_STATUS.reconnecting) return 'reconnecting';
      return stateFromAgentAttribute(event.state);
    case 'agent-lost':
      return isActive(current) ? 'reconnecting' : current;
    case 'connection-lost':
      return isActive(current) ? 'connecting' : current;
    case 'end':
      return current === 'idle' || current === 'error' ? current : 'ended';
    case 'fail':
      return 'error';
  }
}
