import { llm } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { guardTool } from './guard.js';

const options = {} as llm.ToolOptions;

/** The tool as the worker holds it: taken from a ToolContext, like the config's tools. */
function registered(tool: llm.FunctionTool<Record<string, never>, unknown, unknown>) {
  const [only] = Object.values(new llm.ToolContext([tool]).functionTools);
  if (!only) throw new Error('tool not registered');
  return only;
}

describe('guardTool', () => {
  it('turns a tool that never settles into a timeout error', async () => {
    const stuck = llm.tool({
      name: 'stuck',
      description: 'Never answers',
      execute: () => new Promise<never>(() => {}),
    });
    await expect(guardTool(registered(stuck), 50).execute({}, options)).rejects.toEqual(
      new llm.ToolError('stuck: no result within 50 ms'),
    );
  });

  it('passes JSON results through as plain JSON values', async () => {
    const dated = llm.tool({
      name: 'dated',
      description: 'Returns a date',
      execute: async () => ({ at: new Date(0), list: [1, 'two'] }),
    });
    expect(await guardTool(registered(dated)).execute({}, options)).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      list: [1, 'two'],
    });
  });
});
