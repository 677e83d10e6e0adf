import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  VOICE_AGENT_EVENTS,
  VoiceAgentConnectedEvent,
  VoiceAgentEndedEvent,
  VoiceAgentErrorEvent,
  VoiceAgentEvent,
  VoiceAgentStateEvent,
  VoiceAgentToolCallEvent,
  VoiceAgentToolsEvent,
  VoiceAgentTranscriptEvent,
} from './events.js';

// Plain Node (no DOM): the classes and the list must load and work here, for Node test code.
const events = [
  new VoiceAgentStateEvent({ state: 'listening' }),
  new VoiceAgentTranscriptEvent({ segmentId: 's1', role: 'agent', text: 'Hello', final: true }),
  new VoiceAgentToolCallEvent({ name: 'add_to_cart', arguments: { id: 1 }, result: 'ok' }),
  new VoiceAgentToolsEvent({ accepted: ['add_to_cart'], rejected: [] }),
  new VoiceAgentErrorEvent({
    code: 'token_rate_limited',
    message: 'Slow down',
    retryAfterSeconds: 3,
  }),
  new VoiceAgentConnectedEvent({}),
  new VoiceAgentEndedEvent({ reason: 'agent_left' }),
];

describe('the widget events', () => {
  it('has one class per type in the list, in its order', () => {
    expect(events.map((event) => event.type)).toEqual([...VOICE_AGENT_EVENTS]);
  });

  it('makes events that bubble, cross the shadow root and keep their detail', () => {
    for (const event of events) {
      expect(event).toBeInstanceOf(VoiceAgentEvent);
      expect(event).toBeInstanceOf(Event);
      expect({ bubbles: event.bubbles, composed: event.composed }).toEqual({
        bubbles: true,
        composed: true,
      });
    }
    expect(events[0]?.detail).toEqual({ state: 'listening' });
    expect(events[4]?.detail).toEqual({
      code: 'token_rate_limited',
      message: 'Slow down',
      retryAfterSeconds: 3,
    });
  });

  it('reaches a listener as its own class, with the detail a host reads', () => {
    const target = new EventTarget();
    const heard: unknown[] = [];
    target.addEventListener('voice-agent-ended', (event) => {
      heard.push(event instanceof VoiceAgentEndedEvent && event.detail.reason);
    });
    target.dispatchEvent(new VoiceAgentEndedEvent({ reason: 'user' }));
    expect(heard).toEqual(['user']);
  });

  it('exports the list from @voice-agent/widget/events to a plain Node process', async () => {
    const script = `import { VOICE_AGENT_EVENTS } from '@voice-agent/widget/events';
console.log(JSON.stringify({ document: typeof document, list: VOICE_AGENT_EVENTS }));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '--eval', script],
      { cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    );
    expect(JSON.parse(stdout)).toEqual({ document: 'undefined', list: [...VOICE_AGENT_EVENTS] });
  });
});
