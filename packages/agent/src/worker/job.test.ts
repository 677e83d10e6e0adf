import { initializeLogger, isAgent, llm } from '@livekit/agents';
import { RpcError } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { FunctionClientToolTransport } from '../tools/function-transport.js';
import { AgentToolSet } from '../tools/tool-set.js';
import job, { handleDeclaration } from './job.js';

initializeLogger({ pretty: false, level: 'fatal' });

function toolSet(applied: string[][]) {
  return new AgentToolSet({
    baseTools: new llm.ToolContext([
      llm.tool({ name: 'lookup_order', description: 'Find an order', execute: async () => 1 }),
    ]),
    policy: { enabled: true },
    clientTimeoutMs: 1_000,
    transport: new FunctionClientToolTransport({}),
    apply: async (tools) => {
      applied.push(Object.keys(tools.functionTools).sort());
    },
  });
}

describe('job entry', () => {
  it('is an agent definition the framework can fork', () => {
    expect(isAgent(job)).toBe(true);
  });

  it('answers voice-agent.declare-tools with accepted and rejected tools', async () => {
    const applied: string[][] = [];
    const payload = JSON.stringify({
      version: 1,
      tools: [
        { name: 'get_weather', description: 'W', parameters: { type: 'object' } },
        { name: 'lookup_order', description: 'clash' },
      ],
    });
    const answer = JSON.parse(await handleDeclaration(toolSet(applied), { payload }));
    expect(answer.accepted).toEqual(['get_weather']);
    expect(answer.rejected).toEqual([
      {
        name: 'lookup_order',
        code: 'name_conflict',
        message: 'the agent has a tool of that name',
      },
    ]);
    expect(applied).toEqual([['get_weather', 'lookup_order']]);
  });

  it('answers a malformed declaration with an RPC error carrying a stable code', async () => {
    const tools = toolSet([]);
    const refusal = (payload: string) => handleDeclaration(tools, { payload });
    await expect(refusal('not json')).rejects.toEqual(
      new RpcError(1500, 'invalid_payload: not JSON'),
    );
    await expect(refusal('{"version":2,"tools":[]}')).rejects.toMatchObject({
      code: 1500,
      message: expect.stringMatching(/^unsupported_version/),
    });
  });
});
