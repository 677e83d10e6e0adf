import type { LiveServerMessage } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import { bargeIn, lateTranscriptTurn, spokenTurn, toolTurnWithSpeech } from './events.js';
import { closeGenaiClients, connectGenai, transcripts, until } from './genai-client.test-helper.js';
import { GeminiLiveStandIn } from './server.js';

let standIn: GeminiLiveStandIn | undefined;
afterEach(async () => {
  await closeGenaiClients();
  await standIn?.close();
  standIn = undefined;
});

/** What each server message was, in order, e.g. `audio`, `toolCall:a,b`, `turnComplete`. */
function shapes(received: LiveServerMessage[]): string[] {
  return received.flatMap((m) => {
    if (m.toolCall) return [`toolCall:${m.toolCall.functionCalls?.map((c) => c.id).join(',')}`];
    const content = m.serverContent;
    if (!content) return [];
    if (content.modelTurn) return ['audio'];
    if (content.outputTranscription) return [`said:${content.outputTranscription.text}`];
    return Object.keys(content);
  });
}

const collapse = (list: string[]) => list.filter((item, i) => item !== list[i - 1]);

describe('Gemini Live stand-in: turns as the real service sends them', () => {
  it('sends a tool turn with speech around its calls and records every answer', async () => {
    standIn = await GeminiLiveStandIn.start();
    const client = connectGenai(standIn);
    const session = await client.session;
    await standIn.play(
      toolTurnWithSpeech({
        preamble: 'Let me check.',
        toolCalls: [
          [
            { id: 'a', name: 'weather', args: { city: 'Oslo' } },
            { id: 'b', name: 'weather', args: { city: 'Lima' } },
          ],
          [{ id: 'c', name: 'book' }],
        ],
        trailing: 'Still checking.',
      }),
    );
    await until(() => client.received.some((m) => m.serverContent?.turnComplete), 'the turn');
    expect(collapse(shapes(client.received))).toEqual([
      'audio',
      'said:Let me check.',
      'toolCall:a,b',
      'toolCall:c',
      'audio',
      'said:Still checking.',
      'generationComplete',
      'turnComplete',
    ]);
    session.sendToolResponse({
      functionResponses: [
        { id: 'a', name: 'weather', response: { output: { sky: 'grey' } } },
        { id: 'b', name: 'weather', response: { error: 'no station' } },
      ],
    });
    session.sendToolResponse({
      functionResponses: [
        { id: 'c', name: 'book', response: { output: 'booked' } },
        { id: 'c', name: 'book', response: { output: 'booked' } },
      ],
    });
    await until(() => standIn?.messages('toolResponse').length === 2, 'both responses');
    expect(standIn.toolCalls).toEqual([
      {
        id: 'a',
        name: 'weather',
        args: { city: 'Oslo' },
        connection: 1,
        cancelled: false,
        answers: [{ connection: 1, output: { sky: 'grey' } }],
      },
      {
        id: 'b',
        name: 'weather',
        args: { city: 'Lima' },
        connection: 1,
        cancelled: false,
        answers: [{ connection: 1, error: 'no station' }],
      },
      {
        id: 'c',
        name: 'book',
        args: {},
        connection: 1,
        cancelled: false,
        answers: [
          { connection: 1, output: 'booked' },
          { connection: 1, output: 'booked' },
        ],
      },
    ]);
  });

  it('sends transcripts late and in pieces, and a barge-in without generationComplete', async () => {
    standIn = await GeminiLiveStandIn.start();
    const client = connectGenai(standIn);
    await client.session;
    await standIn.play(lateTranscriptTurn('It is sunny in Oslo today.', 3));
    await standIn.play([...spokenTurn('A long answer').slice(0, 1), ...bargeIn()]);
    await until(
      () => shapes(client.received).filter((s) => s === 'turnComplete').length === 2,
      'two turns',
    );
    expect(collapse(shapes(client.received))).toEqual([
      'audio',
      'generationComplete',
      'turnComplete',
      'said:It is ',
      'said:sunny in ',
      'said:Oslo today.',
      'audio',
      'interrupted',
      'turnComplete',
    ]);
    expect(transcripts(client)).toEqual(['It is sunny in Oslo today.']);
    expect(standIn.connections[0]?.context.map((turn) => turn.text)).toEqual([
      'It is sunny in Oslo today.',
    ]);
  });
});
