import { describe, expect, it } from 'vitest';
import { isActive, nextState, stateFromAgentAttribute } from './state.js';

describe('call state machine', () => {
  it('goes idle → connecting → listening → thinking → speaking → ended', () => {
    let state = nextState('idle', { type: 'start' });
    expect(state).toBe('connecting');
    state = nextState(state, { type: 'agent', state: 'initializing', model: undefined });
    expect(state).toBe('connecting');
    for (const value of ['listening', 'thinking', 'speaking'] as const) {
      state = nextState(state, { type: 'agent', state: value, model: undefined });
      expect(state).toBe(value);
    }
    expect(nextState(state, { type: 'end' })).toBe('ended');
  });

  it('shows connecting while reconnecting, then follows the agent again', () => {
    const reconnecting = nextState('speaking', { type: 'connection-lost' });
    expect(reconnecting).toBe('connecting');
    expect(nextState(reconnecting, { type: 'agent', state: 'listening', model: undefined })).toBe(
      'listening',
    );
  });

  it('shows reconnecting while a new agent takes over from one whose worker died', () => {
    const reconnecting = nextState('speaking', { type: 'agent-lost' });
    expect(reconnecting).toBe('reconnecting');
    expect(nextState(reconnecting, { type: 'agent', state: 'listening', model: undefined })).toBe(
      'listening',
    );
    expect(nextState('ended', { type: 'agent-lost' })).toBe('ended');
  });

  it("shows reconnecting while the agent's model reconnects, whatever its own state says", () => {
    const agent = (state: string, model?: string) => ({ type: 'agent' as const, state, model });
    const reconnecting = nextState('speaking', agent('speaking', 'reconnecting'));
    expect(reconnecting).toBe('reconnecting');
    expect(isActive(reconnecting)).toBe(true);
    expect(nextState(reconnecting, agent('listening', 'reconnecting'))).toBe('reconnecting');
    expect(nextState(reconnecting, agent('listening', 'connected'))).toBe('listening');
    expect(nextState('ended', agent('listening', 'reconnecting'))).toBe('ended');
  });

  it('ignores agent updates once the call is over, and start while one is under way', () => {
    expect(nextState('ended', { type: 'agent', state: 'speaking', model: undefined })).toBe(
      'ended',
    );
    expect(nextState('error', { type: 'agent', state: 'listening', model: undefined })).toBe(
      'error',
    );
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
