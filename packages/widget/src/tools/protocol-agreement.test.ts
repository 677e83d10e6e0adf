import { validateDeclarations } from '@voice-agent/agent';
import { CLIENT_TOOL_LIMITS, CLIENT_TOOLS_VERSION } from '@voice-agent/protocol';
import { describe, expect, it } from 'vitest';
import { type ClientTool, PageToolRegistry } from './tools.js';

// The widget checks a page tool when it is registered; the agent checks the declaration it
// receives. Both must give the same verdict at every limit, or a tool would pass the page
// and then be refused by the agent (or be refused by the page for nothing).
const handler = () => 'ok';
const { maxTools, maxDescriptionLength, maxSchemaBytes } = CLIENT_TOOL_LIMITS;

/** Parameters whose JSON is exactly `bytes` long in UTF-8, padded with `char`. */
function schemaOf(bytes: number, char = 'x') {
  const base = JSON.stringify({ type: 'object', description: '' }).length;
  const size = new TextEncoder().encode(char).length;
  return { type: 'object' as const, description: char.repeat((bytes - base) / size) };
}

const cases: [string, Partial<ClientTool>][] = [
  ['the longest name', { name: `a${'b'.repeat(63)}` }],
  ['a name one character too long', { name: `a${'b'.repeat(64)}` }],
  ['a name with a hyphen', { name: 'get-weather' }],
  ['a name starting with a digit', { name: '1tool' }],
  ['the longest description', { description: 'é'.repeat(maxDescriptionLength) }],
  ['a description one character too long', { description: 'x'.repeat(maxDescriptionLength + 1) }],
  ['the largest schema', { parameters: schemaOf(maxSchemaBytes) }],
  ['a schema one byte too large', { parameters: schemaOf(maxSchemaBytes + 1) }],
  ['a schema too large in UTF-8 only', { parameters: schemaOf(maxSchemaBytes + 2, 'é') }],
  ['a schema that is not an object', { parameters: { type: 'string' } as never }],
  ['properties that are a list', { parameters: { type: 'object', properties: [] } as never }],
];

function widgetAccepts(tool: Partial<ClientTool>): boolean {
  try {
    new PageToolRegistry().register({ name: 'tool', description: 'd', handler, ...tool });
    return true;
  } catch {
    return false;
  }
}

function agentAccepts(tools: unknown[]): string[] {
  const payload = { version: CLIENT_TOOLS_VERSION, tools };
  return validateDeclarations(payload, { enabled: true }, new Set()).result.accepted;
}

describe('the widget and the agent agree on every limit', () => {
  it.each(cases)('%s', (_, tool) => {
    const declared = JSON.parse(
      JSON.stringify({ name: 'tool', description: 'd', ...tool }),
    ) as unknown;
    const verdict = widgetAccepts(tool);
    expect(agentAccepts([declared]).length === 1).toBe(verdict);
  });

  it('the boundary cases are not all one verdict', () => {
    const verdicts = cases.map(([, tool]) => widgetAccepts(tool));
    expect(verdicts.filter(Boolean)).toHaveLength(3);
  });

  it(`takes at most ${maxTools} tools`, () => {
    const registry = new PageToolRegistry();
    for (let i = 0; i <= maxTools; i++) {
      try {
        registry.register({ name: `tool_${i}`, description: 'd', handler });
      } catch {
        // the widget refuses the one too many
      }
    }
    expect(registry.names).toHaveLength(maxTools);
    const declared = Array.from({ length: maxTools + 1 }, (_, i) => ({ name: `tool_${i}` }));
    expect(agentAccepts(declared)).toEqual(registry.names);
  });
});
