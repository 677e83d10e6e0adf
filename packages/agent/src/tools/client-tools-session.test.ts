import { llm } from '@livekit/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { spokenTurn, toolCallTurn } from '../testing/index.js';
import {
  eventually,
  type Harness,
  startHarness,
  toolOutputs,
} from '../worker/harness.test-helper.js';
import type { PageToolHandler } from './function-transport.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const lookupOrder = llm.tool({
  name: 'lookup_order',
  description: 'Find an order',
  execute: async () => ({ status: 'shipped' }),
});

const pageTools = {
  get_weather: ({ city }: Record<string, unknown>) => ({ city, tempC: 21 }),
  highlight_item: () => {
    throw new Error('no such element');
  },
  hang_forever: () => new Promise(() => {}),
};

const declaration = (name: string, properties: Record<string, unknown> = {}) => ({
  name,
  description: `page tool ${name}`,
  parameters: { type: 'object', properties },
});

describe('client tools in a session', () => {
  it('declares page tools after start: the model sees them unchanged and history survives', async () => {
    harness = await startHarness(
      {
        tools: { server: [lookupOrder] },
        clientTools: { enabled: true, allow: ['get_weather', 'highlight_item'] },
      },
      pageTools,
    );
    const { standIn, tools } = harness;
    const before = await standIn.waitForTools(['lookup_order']);
    await standIn.play([
      { type: 'inputTranscription', text: 'Hello there.' },
      ...spokenTurn('Hi, how can I help?'),
    ]);
    await eventually(
      () => harness?.transcript.includes('assistant: Hi, how can I help?'),
      'turn 1',
    );

    const result = await tools.declare({
      version: 1,
      tools: [
        declaration('get_weather', { cityName: { type: 'string' } }),
        declaration('highlight_item'),
        declaration('lookup_order'),
        declaration('open_admin'),
      ],
    });
    expect(result.accepted).toEqual(['get_weather', 'highlight_item']);
    expect(result.rejected.map((r) => [r.name, r.code])).toEqual([
      ['lookup_order', 'name_conflict'],
      ['open_admin', 'not_allowed'],
    ]);

    const after = await standIn.waitForTools(['lookup_order', 'get_weather', 'highlight_item']);
    expect(after.connection).toBeGreaterThan(before.connection);
    const weather = after.message.setup.tools[0].functionDeclarations.find(
      (d: { name: string }) => d.name === 'get_weather',
    );
    expect(weather).toEqual({
      name: 'get_weather',
      description: 'page tool get_weather',
      parameters: { type: 'OBJECT', properties: { cityName: { type: 'STRING' } } },
    });
    // The history arrives once: the handle issued after turn 1 covers it, so the new
    // connection resumes with it and gets no replay.
    expect(after.message.setup.sessionResumption.handle).toMatch(/^handle-/);
    await standIn.until(
      () => (standIn.connections[after.connection - 1]?.setUp ? true : undefined),
      5_000,
      'setup',
    );
    expect(standIn.contextVerdict(after.connection)).toMatchObject({
      handle: 'restored',
      delivery: 'once',
    });
  });

  it('runs client tools through the transport; failures become tool errors', async () => {
    harness = await startHarness({ clientTools: { enabled: true, timeoutMs: 300 } }, pageTools);
    const { standIn, tools } = harness;
    await tools.declare({
      version: 1,
      tools: [
        declaration('get_weather', { city: { type: 'string' } }),
        declaration('highlight_item'),
        declaration('hang_forever'),
        declaration('not_on_page'),
      ],
    });
    await standIn.waitForTools(['get_weather', 'highlight_item', 'hang_forever', 'not_on_page']);
    standIn.react({ on: 'toolResponse', reply: spokenTurn('Done.'), times: 1 });
    await standIn.play(
      toolCallTurn(
        { id: 'w', name: 'get_weather', args: { city: 'Paris' } },
        { id: 'h', name: 'highlight_item' },
        { id: 'f', name: 'hang_forever' },
        { id: 'n', name: 'not_on_page' },
      ),
    );
    await eventually(() => toolOutputs(harness as Harness).size === 4, 'four responses');
    const outputs = toolOutputs(harness);
    expect(JSON.parse(outputs.get('w') ?? '')).toEqual({ city: 'Paris', tempC: 21 });
    expect(outputs.get('h')).toBe(
      "highlight_item (in the visitor's browser): tool_failed: no such element",
    );
    expect(outputs.get('f')).toBe(
      "hang_forever (in the visitor's browser): timeout: the page did not answer in time",
    );
    expect(outputs.get('n')).toBe(
      "not_on_page (in the visitor's browser): unknown_tool: the page has no such tool",
    );
    await eventually(() => harness?.transcript.includes('assistant: Done.'), 'the answer');
    expect(harness.closed).toBeUndefined();
  });

  it('re-declaring the same set does not reconnect the model', async () => {
    harness = await startHarness({ clientTools: { enabled: true } }, pageTools);
    const { standIn, tools } = harness;
    const payload = { version: 1, tools: [declaration('get_weather')] };
    await tools.declare(payload);
    const setup = await standIn.waitForTools(['get_weather']);
    await tools.declare(payload);
    await tools.declare({ version: 1, tools: [declaration('get_weather')] });
    await standIn.play(spokenTurn('Still the same session.'));
    await eventually(
      () => harness?.transcript.includes('assistant: Still the same session.'),
      'a turn on the same session',
    );
    expect(standIn.connectionCount).toBe(setup.connection);
  });
  it('tells a running page tool when the model withdraws its call or the turn is interrupted', async () => {
    const aborted: { callId: unknown; reason: unknown }[] = [];
    const started: unknown[] = [];
    const waitForAbort: PageToolHandler = (args, { signal }) =>
      new Promise((resolve) => {
        started.push(args.n);
        signal.addEventListener('abort', () => {
          aborted.push({ callId: args.n, reason: signal.reason });
          resolve('too late');
        });
      });
    harness = await startHarness(
      { clientTools: { enabled: true } },
      { wait_for_page: waitForAbort },
    );
    const { standIn, tools, session } = harness;
    await tools.declare({ version: 1, tools: [declaration('wait_for_page')] });
    await standIn.waitForTools(['wait_for_page']);
    // Gemini withdraws the call (toolCallCancellation).
    await standIn.play(toolCallTurn({ id: 'withdrawn', name: 'wait_for_page', args: { n: 1 } }));
    await eventually(() => started.length === 1, 'the first call running on the page');
    await standIn.play([
      { type: 'raw', message: { toolCallCancellation: { ids: ['withdrawn'] } } },
    ]);
    await eventually(() => aborted.length === 1, 'the first call cancelled');
    expect(aborted[0]).toEqual({ callId: 1, reason: 'cancelled' });
    // The visitor interrupts the turn while the page's tool runs.
    await standIn.play(toolCallTurn({ id: 'interrupted', name: 'wait_for_page', args: { n: 2 } }));
    await eventually(() => started.length === 2, 'the second call running on the page');
    session.interrupt();
    await eventually(() => aborted.length === 2, 'the second call cancelled');
    expect(aborted[1]).toEqual({ callId: 2, reason: 'interrupted' });
  });
});
