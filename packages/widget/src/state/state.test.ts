import { describe, expect, it } from 'vitest';
import { isActive, nextState, stateFromAgentAttribute } from './state.js';

describe('session state machine', () => {
  it('goes idle → connecting → listening → thinking → speaking → ended', () => {
    let state = nextState('idle', { type: 'start' });
    expect(state).toBe('connecting');
    state = nextState(state, { type: 'agent-state', value: 'initializing' });
    expect(state).toBe('connecting');
    for (const value of ['listening', 'thinking', 'speaking'] as const) {
      state = nextState(state, { type: 'agent-state', value });
      expect(state).toBe(value);
    }
    expect(nextState(state, { type: 'end' })).toBe('ended');
  });

  it('shows connecting while reconnecting, then follows the agent again', () => {
    const reconnecting = nextState('speaking', { type: 'reconnecting' });
    expect(reconnecting).toBe('connecting');
    expect(nextState(reconnecting, { type: 'agent-state', value: 'listening' })).toBe('listening');
  });

  it('ignores agent updates once the call is over, and start while one is under way', () => {
    expect(nextState('ended', { type: 'agent-state', value: 'speaking' })).toBe('ended');
    expect(nextState('error', { type: 'agent-state', value: 'listening' })).toBe('error');
    expect(nextState('listening', { type: 'start' })).toBe('listening');
  });

  it('restarts from ended or error, and fails from anywhere', () => {
    expect(nextState('ended', { type: 'start' })).toBe('connecting');
    expect(nextState('error', { type: 'start' })).toBe('connecting');
    expect(nextState('thinking', { type: 'fail' })).toBe('error');
    expect(nextState('idle', { type: 'end' })).toBe('idle');
    expect(nextState('error', { type: 'end' })).toBe('error');
  });

  it('maps unknown or missing agent states to connecting', () => {
    expect(stateFromAgentAttribute(undefined)).toBe('connecting');
    expect(stateFromAgentAttribute('bogus')).toBe('connecting');
    expect(isActive('connecting')).toBe(true);
    expect(isActive('ended')).toBe(false);
  });
});
