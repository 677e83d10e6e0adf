import type { ReactiveController } from 'lit';
import { describe, expect, it } from 'vitest';
import { VoiceAgentError } from '../errors/errors.js';
import type { VoiceAgentEvent } from '../events/voice-agent-event.js';
import { CallState } from './call-state.js';

// The loader's half of the call, without Lit, LiveKit or a DOM: a host that records events.
class RecordingHost extends EventTarget {
  readonly events: string[] = [];
  updates = 0;
  addController(_controller: ReactiveController): void {}
  removeController(_controller: ReactiveController): void {}
  requestUpdate(): void {
    this.updates++;
  }
  readonly updateComplete = Promise.resolve(true);
  override dispatchEvent(event: Event): boolean {
    const { detail } = event as VoiceAgentEvent;
    this.events.push(`${event.type} ${JSON.stringify(detail)}`);
    return super.dispatchEvent(event);
  }
}

function callState() {
  const host = new RecordingHost();
  return { host, call: new CallState(host) };
}

describe('the call state the element renders', () => {
  it('shows connecting while the call code loads, silently, then fires connecting once', () => {
    const { host, call } = callState();
    call.setLoading(true);
    expect(call.state).toBe('connecting');
    expect(host.events).toEqual([]);
    call.begin();
    call.apply({ type: 'agent', state: 'listening', model: undefined });
    expect(host.events).toEqual([
      'voice-agent-state {"state":"connecting"}',
      'voice-agent-state {"state":"listening"}',
    ]);
  });

  it('fails with the error and an end, or without an end when no call began', () => {
    const { host, call } = callState();
    call.begin();
    call.fail(new VoiceAgentError('token_rate_limited', 'Slow down', { retryAfterSeconds: 3 }));
    expect(call.state).toBe('error');
    expect(call.error?.code).toBe('token_rate_limited');
    expect(host.events.slice(1)).toEqual([
      'voice-agent-state {"state":"error"}',
      'voice-agent-error {"code":"token_rate_limited","message":"Slow down","retryAfterSeconds":3}',
      'voice-agent-ended {"reason":"error"}',
    ]);
    const loading = callState();
    loading.call.setLoading(true);
    loading.call.fail(new VoiceAgentError('load_failed', 'no chunk'), { ended: false });
    expect(loading.host.events.map((line) => line.split(' ')[0])).toEqual([
      'voice-agent-state',
      'voice-agent-error',
    ]);
  });

  it('ends once, keeps why, and clears it all on the next call', () => {
    const { host, call } = callState();
    call.begin();
    call.caption({ segmentId: 's1', role: 'agent', text: 'Hi', final: true });
    call.end('agent_left');
    call.end('user');
    expect(call.endedBy).toBe('agent_left');
    expect(host.events.filter((line) => line.startsWith('voice-agent-ended'))).toHaveLength(1);
    expect(call.transcript.segments).toHaveLength(1);
    call.begin();
    expect(call.endedBy).toBeUndefined();
    expect(call.transcript.segments).toEqual([]);
    expect(call.state).toBe('connecting');
  });

  it('does nothing when ended before any call', () => {
    const { host, call } = callState();
    call.setLoading(true);
    call.end('user');
    expect(call.state).toBe('idle');
    expect(host.events).toEqual([]);
  });
});
