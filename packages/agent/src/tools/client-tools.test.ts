import { RpcError } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import {
  type ClientToolPolicy,
  DeclarationPayloadError,
  validateDeclarations,
} from './client-tools.js';
import { ClientToolCallError, LiveKitRpcTransport, type RpcCaller } from './client-transport.js';

const enabled: ClientToolPolicy = { enabled: true };
const reserved = new Set(['get_time']);
const weather = {
  name: 'get_weather',
  description: 'Weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function codes(tools: unknown[], policy = enabled) {
  const { result } = validateDeclarations({ version: 1, tools }, policy, reserved);
  return { accepted: result.accepted, rejected: result.rejected.map((r) => [r.name, r.code]) };
}

describe('client tool declarations', () => {
  it('accepts valid tools with their names and parameters unchanged', () => {
    const { tools, result } = validateDeclarations(
      { version: 1, tools: [weather] },
      enabled,
      reserved,
    );
    expect(result).toEqual({ accepted: ['get_weather'], rejected: [] });
    expect(tools).toEqual([weather]);
  });

  it('rejects every tool when client tools are disabled', () => {
    expect(codes([weather], { enabled: false })).toEqual({
      accepted: [],
      rejected: [['get_weather', 'client_tools_disabled']],
    });
  });

  it('rejects names outside the allow list', () => {
    const other = { ...weather, name: 'open_door' };
    expect(codes([weather, other], { enabled: true, allow: ['get_weather'] })).toEqual({
      accepted: ['get_weather'],
      rejected: [['open_door', 'not_allowed']],
    });
  });

  it('rejects bad names, clashes, duplicates, long descriptions and bad schemas', () => {
    const result = codes([
      { ...weather, name: 'x y' },
      { ...weather, name: '9lives' },
      { ...weather, name: 'a'.repeat(65) },
      { ...weather, name: 'get_time' },
      weather,
      weather,
      { ...weather, name: 'chatty', description: 'd'.repeat(1025) },
      { ...weather, name: 'arr', parameters: { type: 'array' } },
      { ...weather, name: 'str', parameters: 'object' },
      { ...weather, name: 'huge', parameters: { type: 'object', description: 'p'.repeat(5000) } },
    ]);
    expect(result.accepted).toEqual(['get_weather']);
    expect(result.rejected).toEqual([
      ['x y', 'invalid_name'],
      ['9lives', 'invalid_name'],
      ['a'.repeat(65), 'invalid_name'],
      ['get_time', 'name_conflict'],
      ['get_weather', 'duplicate_name'],
      ['chatty', 'description_too_long'],
      ['arr', 'invalid_schema'],
      ['str', 'invalid_schema'],
      ['huge', 'schema_too_large'],
    ]);
  });

  it('accepts at most 16 tools', () => {
    const tools = Array.from({ length: 18 }, (_, i) => ({ ...weather, name: `tool_${i}` }));
    const result = codes(tools);
    expect(result.accepted).toHaveLength(16);
    expect(result.rejected).toEqual([
      ['tool_16', 'too_many_tools'],
      ['tool_17', 'too_many_tools'],
    ]);
  });

  it('refuses payloads that are not version 1 declarations', () => {
    const check = (payload: unknown) => () => validateDeclarations(payload, enabled, reserved);
    expect(check('tools')).toThrow(DeclarationPayloadError);
    expect(check({ version: 2, tools: [] })).toThrow(/unsupported_version/);
    expect(check({ version: 1, tools: {} })).toThrow(/invalid_payload/);
  });
});

/** Stands in for rtc-node's LocalParticipant: answers performRpc with a canned outcome. */
function participant(outcome: () => Promise<string>): RpcCaller & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    performRpc: (params) => {
      calls.push(params);
      return outcome();
    },
  };
}

describe('LiveKitRpcTransport', () => {
  it('sends voice-agent.tool-call to the visitor and unwraps the result', async () => {
    const caller = participant(async () => '{"result":{"temp":21}}');
    const transport = new LiveKitRpcTransport(caller, () => 'visitor-1');
    expect(await transport.call('get_weather', { city: 'Paris' }, 5_000)).toEqual({ temp: 21 });
    expect(caller.calls).toEqual([
      {
        destinationIdentity: 'visitor-1',
        method: 'voice-agent.tool-call',
        payload: '{"name":"get_weather","arguments":{"city":"Paris"}}',
        responseTimeout: 5_000,
      },
    ]);
  });

  it.each([
    [new RpcError(2001, 'city not found'), 'tool_failed', 'city not found'],
    [new RpcError(2002, 'x'), 'unknown_tool', 'the page has no such tool'],
    [new RpcError(2003, 'x'), 'invalid_result', 'the page returned a non-JSON result'],
    [new RpcError(1502, 'x'), 'timeout', 'the page did not answer in time'],
    [new RpcError(1503, 'x'), 'visitor_gone', 'the visitor has left'],
    [new RpcError(1504, 'x'), 'payload_too_large', 'the result is larger than 15 KiB'],
  ])('maps %s to %s', async (error, code, message) => {
    const transport = new LiveKitRpcTransport(
      participant(() => Promise.reject(error)),
      () => 'v',
    );
    await expect(transport.call('t', {}, 1_000)).rejects.toEqual(
      new ClientToolCallError(code as never, message),
    );
  });

  it('refuses arguments over the 15 KiB RPC limit and calls without a visitor', async () => {
    const caller = participant(async () => '{"result":1}');
    const transport = new LiveKitRpcTransport(caller, () => 'v');
    await expect(transport.call('t', { text: 'x'.repeat(16_000) }, 1_000)).rejects.toMatchObject({
      code: 'payload_too_large',
    });
    const nobody = new LiveKitRpcTransport(caller, () => undefined);
    await expect(nobody.call('t', {}, 1_000)).rejects.toMatchObject({ code: 'visitor_gone' });
    expect(caller.calls).toEqual([]);
  });
});
