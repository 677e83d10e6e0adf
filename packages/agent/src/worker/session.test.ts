import { llm } from '@livekit/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { spokenTurn, toolCallTurn } from '../testing/index.js';
import { eventually, type Harness, startHarness, toolOutputs } from './harness.test-helper.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const getTime = llm.tool({
  name: 'get_time',
  description: 'The current time in a city',
  parameters: z.object({ city: z.string().describe('City name') }),
  execute: async ({ city }) => ({ city, time: '12:34' }),
});

const explode = llm.tool({
  name: 'explode',
  description: 'Always fails',
  execute: async () => {
    throw new Error('database password is hunter2');
  },
});

const garbage = llm.tool({
  name: 'garbage',
  description: 'Returns something that is not JSON',
  execute: async () => ({ big: 10n }),
});

describe('voice agent session against the Gemini Live stand-in', () => {
  it('sends instructions, voice, temperature, language and every tool schema in setup', async () => {
    harness = await startHarness({
      instructions: 'You are Ada, a concierge.',
      voice: 'Kore',
      temperature: 0.4,
      language: 'fr-FR',
      tools: {
        server: [getTime],
        http: [
          {
            name: 'book_table',
            description: 'Book a table',
            url: 'http://127.0.0.1:9/book',
            parameters: {
              type: 'object',
              properties: { guests: { type: 'integer', description: 'How many' } },
              required: ['guests'],
            },
          },
        ],
      },
    });
    const { message } = await harness.standIn.waitForTools(['get_time', 'book_table']);
    const setup = message.setup;
    expect(setup.model).toBe('models/gemini-2.5-flash-native-audio-preview-12-2025');
    expect(setup.systemInstruction.parts[0].text).toBe('You are Ada, a concierge.');
    const generation = setup.generationConfig;
    expect(generation.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName).toBe('Kore');
    expect(generation.speechConfig.languageCode).toBe('fr-FR');
    expect(generation.temperature).toBe(0.4);
    const declarations = setup.tools.flatMap(
      (t: { functionDeclarations: unknown[] }) => t.functionDeclarations,
    );
    expect(declarations).toContainEqual({
      name: 'get_time',
      description: 'The current time in a city',
      parameters: {
        type: 'OBJECT',
        properties: { city: { type: 'STRING', description: 'City name' } },
        required: ['city'],
      },
    });
    expect(declarations).toContainEqual({
      name: 'book_table',
      description: 'Book a table',
      parameters: {
        type: 'OBJECT',
        properties: { guests: { type: 'INTEGER', description: 'How many' } },
        required: ['guests'],
      },
    });
    expect(setup.inputAudioTranscription).toEqual({});
    expect(setup.outputAudioTranscription).toEqual({});
  });

  it('round-trips a server tool and speaks the answer', async () => {
    harness = await startHarness({ tools: { server: [getTime] } });
    const { standIn } = harness;
    await standIn.waitForTools(['get_time']);
    standIn.react({ on: 'toolResponse', reply: spokenTurn('It is 12:34 in Paris.'), times: 1 });
    await standIn.play(toolCallTurn({ id: 'c1', name: 'get_time', args: { city: 'Paris' } }));
    await standIn.waitFor('toolResponse');
    expect(JSON.parse(toolOutputs(harness).get('c1') ?? '')).toEqual({
      city: 'Paris',
      time: '12:34',
    });
    const transcript = harness.transcript;
    await eventually(
      () => transcript.includes('assistant: It is 12:34 in Paris.'),
      'the spoken answer in the transcript',
    );
  });

  it('turns a throwing tool into a tool error and keeps answering', async () => {
    harness = await startHarness({ tools: { server: [getTime, explode] } });
    const { standIn } = harness;
    await standIn.waitForTools(['get_time', 'explode']);
    await standIn.play(toolCallTurn({ id: 'boom', name: 'explode' }));
    await standIn.waitFor('toolResponse');
    // A failure reaches the model as `response.error`, the API's form for it.
    const [answer] = standIn.toolCalls.find((call) => call.id === 'boom')?.answers ?? [];
    expect(answer?.output).toBeUndefined();
    expect(String(answer?.error)).toMatch(/error/i);
    const failure = toolOutputs(harness).get('boom') ?? '';
    expect(failure).toMatch(/error/i);
    expect(failure).not.toContain('hunter2');
    standIn.react({ on: 'toolResponse', reply: spokenTurn('Still here.'), times: 1 });
    await standIn.play(toolCallTurn({ id: 'after', name: 'get_time', args: { city: 'Rome' } }));
    await eventually(
      () => harness?.transcript.includes('assistant: Still here.'),
      'an answer after the failing tool',
    );
    expect(JSON.parse(toolOutputs(harness).get('after') ?? '')).toMatchObject({ city: 'Rome' });
    expect(harness.closed).toBeUndefined();
  });

  it('answers every call of a parallel tool-call turn', async () => {
    harness = await startHarness({ tools: { server: [getTime, explode, garbage] } });
    const { standIn } = harness;
    await standIn.waitForTools(['get_time', 'explode', 'garbage']);
    await standIn.play(
      toolCallTurn(
        { id: 'p5', name: 'garbage' },
        { id: 'p1', name: 'get_time', args: { city: 'Oslo' } },
        { id: 'p2', name: 'get_time', args: { city: 'Lima' } },
        { id: 'p3', name: 'explode' },
        { id: 'p4', name: 'no_such_tool' },
      ),
    );
    await eventually(() => toolOutputs(harness as Harness).size === 5, 'five function responses');
    const outputs = toolOutputs(harness);
    expect(JSON.parse(outputs.get('p1') ?? '')).toMatchObject({ city: 'Oslo' });
    expect(JSON.parse(outputs.get('p2') ?? '')).toMatchObject({ city: 'Lima' });
    expect(outputs.get('p3')).toMatch(/error/i);
    expect(outputs.get('p4')).toMatch(/Unknown function/);
    expect(outputs.get('p5')).toBe('garbage: returned a value that is not JSON');
  });

  it('moves to a new connection on goAway with the resumption handle and no replay', async () => {
    harness = await startHarness({});
    const { standIn } = harness;
    const first = await standIn.waitForTools([]);
    await standIn.play([
      { type: 'inputTranscription', text: 'My name is Grace.' },
      ...spokenTurn('Nice to meet you, Grace.'),
    ]);
    await eventually(
      () => harness?.transcript.includes('assistant: Nice to meet you, Grace.'),
      'the first turn in the transcript',
    );
    await standIn.play([{ type: 'goAway', timeLeft: '5s' }]);
    const second = await standIn.waitFor('setup', (m) => m.connection > first.connection);
    // The stand-in's handle came after the turn, so it covers it: resumed, no replay.
    expect(second.message.setup.sessionResumption).toEqual({
      handle: expect.stringMatching(new RegExp(`^handle-${first.connection}-`)),
    });
    standIn.react({ on: 'clientTurn', reply: spokenTurn('Welcome back.'), times: 1 });
    harness.session.generateReply();
    await eventually(
      () => harness?.transcript.includes('assistant: Welcome back.'),
      'an answer on the new session',
    );
    const replays = standIn
      .messages('clientContent')
      .filter((m) => m.connection === second.connection && !m.message.clientContent.turnComplete);
    expect(replays).toEqual([]);
    expect(harness.closed).toBeUndefined();
  });

  it('speaks the configured greeting first', async () => {
    harness = await startHarness({ greeting: 'Welcome to Ada’s shop!' });
    const { standIn } = harness;
    standIn.react({ on: 'clientTurn', reply: spokenTurn('Welcome to Ada’s shop!'), times: 1 });
    await standIn.waitForTools([]);
    await harness.greet();
    const request = await standIn.waitFor(
      'clientContent',
      (m) => m.message.clientContent.turnComplete,
    );
    expect(JSON.stringify(request.message.clientContent.turns)).toContain('Welcome to Ada’s shop!');
    await eventually(
      () => harness?.transcript.includes('assistant: Welcome to Ada’s shop!'),
      'the greeting in the transcript',
    );
  });

  it('asks for context window compression by default, tuned or off as configured', async () => {
    harness = await startHarness({});
    const { message } = await harness.standIn.waitForTools([]);
    expect(message.setup.contextWindowCompression).toEqual({ slidingWindow: {} });
    await harness.stop();
    harness = await startHarness({
      contextWindowCompression: { triggerTokens: 20_000, targetTokens: 10_000 },
    });
    const tuned = await harness.standIn.waitForTools([]);
    expect(tuned.message.setup.contextWindowCompression).toEqual({
      triggerTokens: '20000',
      slidingWindow: { targetTokens: '10000' },
    });
    await harness.stop();
    harness = await startHarness({ contextWindowCompression: false });
    const off = await harness.standIn.waitForTools([]);
    expect(off.message.setup.contextWindowCompression).toBeUndefined();
  });

  it('asks Gemini for no transcripts when transcription is off', async () => {
    harness = await startHarness({ transcription: false });
    const { message } = await harness.standIn.waitForTools([]);
    expect(message.setup.inputAudioTranscription).toBeUndefined();
    expect(message.setup.outputAudioTranscription).toBeUndefined();
  });

  it('greets after the page declares its tools, so the reconnect does not swallow it', async () => {
    harness = await startHarness(
      { greeting: 'Hello, visitor!', clientTools: { enabled: true } },
      { get_weather: () => 'sunny' },
      { setupDelayMs: 300 },
    );
    const { standIn, tools } = harness;
    standIn.react({ on: 'clientTurn', reply: spokenTurn('Hello, visitor!'), times: 1 });
    // As in a room: the page declares while Gemini is still connecting.
    const greeting = harness.greet();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await tools.declare({
      version: 1,
      tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
    });
    await greeting;
    const withTools = await standIn.waitForTools(['get_weather']);
    const request = await standIn.waitFor(
      'clientContent',
      (m) => m.message.clientContent.turnComplete,
    );
    expect(request.connection).toBe(withTools.connection);
    await eventually(
      () => harness?.transcript.includes('assistant: Hello, visitor!'),
      'the greeting in the transcript',
    );
  });

  it('a declaration that comes after the greeting started reaches the model after it, without cutting it off', async () => {
    harness = await startHarness(
      { greeting: 'Hello, visitor!', clientTools: { enabled: true } },
      { get_weather: () => 'sunny' },
    );
    const { standIn, tools } = harness;
    // The answer takes a moment: long enough for a reconnect to cut it.
    const [audio, ...rest] = spokenTurn('Hello, visitor!');
    standIn.react({
      on: 'clientTurn',
      reply: [...(audio ? [audio] : []), { type: 'wait', ms: 500 }, ...rest],
      times: 1,
    });
    await standIn.waitForTools([]);
    // A busy machine: the page's declaration is late, the greeting no longer waits for it.
    await harness.greet(0);
    const request = await standIn.waitFor(
      'clientContent',
      (m) => m.message.clientContent.turnComplete,
    );
    const result = await tools.declare({
      version: 1,
      tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
    });
    expect(result.accepted).toEqual(['get_weather']);
    await eventually(
      () => harness?.transcript.includes('assistant: Hello, visitor!'),
      'the greeting in the transcript',
    );
    const withTools = await standIn.waitForTools(['get_weather']);
    expect(withTools.connection).toBeGreaterThan(request.connection);
  });
});
