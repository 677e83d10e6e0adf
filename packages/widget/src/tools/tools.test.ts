import { TOOL_CALL_ERRORS } from '@voice-agent/protocol';
import { describe, expect, it } from 'vitest';
import { VoiceAgentError } from '../errors/errors.js';
import { PageToolRegistry, ToolCallCancelledError } from './tools.js';

const weather = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object' as const,
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
  handler: async ({ city }: { city: string }) => ({ city, celsius: 21 }),
};

function invalidToolError(action: () => void): VoiceAgentError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(VoiceAgentError);
    expect((error as VoiceAgentError).code).toBe('invalid_tool');
    return error as VoiceAgentError;
  }
  throw new Error('expected invalid_tool');
}

describe('client tools', () => {
  it('declares the whole set in the protocol v1 format', () => {
    const registry = new PageToolRegistry();
    registry.register(weather);
    registry.register({ name: 'ping', description: 'Ping', handler: () => 'pong' });
    expect(JSON.parse(registry.declarationPayload())).toEqual({
      version: 1,
      tools: [
        { name: 'get_weather', description: weather.description, parameters: weather.parameters },
        { name: 'ping', description: 'Ping', parameters: { type: 'object', properties: {} } },
      ],
    });
  });

  it('runs the handler with the arguments object and answers with its result', async () => {
    const registry = new PageToolRegistry();
    registry.register(weather);
    const outcome = await registry.call(
      JSON.stringify({ name: 'get_weather', arguments: { city: 'Paris' } }),
    );
    expect(outcome).toEqual({
      ok: true,
      name: 'get_weather',
      arguments: { city: 'Paris' },
      result: { city: 'Paris', celsius: 21 },
      response: '{"result":{"city":"Paris","celsius":21}}',
    });
  });

  it('answers undefined as null', async () => {
    const registry = new PageToolRegistry();
    registry.register({ name: 'noop', description: 'Nothing', handler: () => undefined });
    const outcome = await registry.call('{"name":"noop","arguments":{}}');
    expect(outcome.ok && outcome.response).toBe('{"result":null}');
  });

  it('turns a thrown error into TOOL_FAILED with its message', async () => {
    const registry = new PageToolRegistry();
    registry.register({
      name: 'fail',
      description: 'Fails',
      handler: () => {
        throw new Error('out of stock');
      },
    });
    expect(await registry.call('{"name":"fail","arguments":{}}')).toMatchObject({
      ok: false,
      code: TOOL_CALL_ERRORS.toolFailed,
      message: 'out of stock',
    });
  });

  it('answers UNKNOWN_TOOL for an unknown or malformed call', async () => {
    const registry = new PageToolRegistry();
    expect(await registry.call('{"name":"nope","arguments":{}}')).toMatchObject({
      ok: false,
      code: TOOL_CALL_ERRORS.unknownTool,
    });
    expect(await registry.call('not json')).toMatchObject({ code: TOOL_CALL_ERRORS.unknownTool });
  });

  it('answers INVALID_RESULT when the result cannot be serialised', async () => {
    const registry = new PageToolRegistry();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    registry.register({ name: 'loop', description: 'Loops', handler: () => circular });
    registry.register({ name: 'big', description: 'BigInt', handler: () => 1n });
    for (const name of ['loop', 'big']) {
      expect(await registry.call(JSON.stringify({ name, arguments: {} }))).toMatchObject({
        ok: false,
        code: TOOL_CALL_ERRORS.invalidResult,
      });
    }
  });

  it('rejects bad names, handlers, descriptions, schemas and a 17th tool', () => {
    const registry = new PageToolRegistry();
    const base = { description: 'x', handler: () => 1 };
    expect(invalidToolError(() => registry.register({ ...base, name: 'x y' })).message).toContain(
      'must match',
    );
    invalidToolError(() => registry.register({ name: 'a', description: 'x' } as never));
    invalidToolError(() =>
      registry.register({ ...base, name: 'a', description: 'd'.repeat(1025) }),
    );
    invalidToolError(() =>
      registry.register({ ...base, name: 'a', parameters: { type: 'string' } as never }),
    );
    invalidToolError(() =>
      registry.register({
        ...base,
        name: 'a',
        parameters: { type: 'object', description: 'p'.repeat(5000) },
      }),
    );
    for (let i = 0; i < 16; i++) registry.register({ ...base, name: `tool_${i}` });
    invalidToolError(() => registry.register({ ...base, name: 'tool_16' }));
    registry.register({ ...base, name: 'tool_3', description: 'replaced' });
    expect(registry.names).toHaveLength(16);
  });

  it('notifies listeners on register and unregister', () => {
    const registry = new PageToolRegistry();
    let changes = 0;
    const stop = registry.onChange(() => changes++);
    registry.register(weather);
    expect(registry.unregister('get_weather')).toBe(true);
    expect(registry.unregister('get_weather')).toBe(false);
    stop();
    registry.register(weather);
    expect(changes).toBe(2);
  });

  it("aborts the handler's signal when the agent cancels its call, and only that call", async () => {
    const registry = new PageToolRegistry();
    const reasons: unknown[] = [];
    registry.register({
      name: 'wait',
      description: 'Waits until cancelled',
      handler: (_args, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            reasons.push(signal.reason);
            resolve('stopped');
          });
        }),
    });
    const first = registry.call(JSON.stringify({ name: 'wait', arguments: {}, callId: 'a' }));
    void registry.call(JSON.stringify({ name: 'wait', arguments: {}, callId: 'b' }));
    registry.cancel(JSON.stringify({ callId: 'unknown', reason: 'cancelled' }));
    registry.cancel('not json');
    registry.cancel(JSON.stringify({ callId: 'a', reason: 'cancelled' }));
    expect(await first).toMatchObject({ ok: true, result: 'stopped' });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(ToolCallCancelledError);
    expect(reasons[0]).toMatchObject({ name: 'AbortError', reason: 'cancelled' });
  });
});
