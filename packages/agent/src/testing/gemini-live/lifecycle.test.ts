import { afterEach, describe, expect, it } from 'vitest';
import { recallingTurn, spokenTurn, toolCallTurn } from './events.js';
import {
  closeGenaiClients,
  connectGenai,
  handles,
  transcripts,
  until,
} from './genai-client.test-helper.js';
import { GeminiLiveStandIn } from './server.js';

let standIn: GeminiLiveStandIn | undefined;
afterEach(async () => {
  await closeGenaiClients();
  await standIn?.close();
  standIn = undefined;
});

const NAME = {
  pattern: /my name is (\w+)/i,
  answer: 'Your name is $1.',
  otherwise: 'I do not know your name.',
};
const userTurn = (text: string) => ({ role: 'user', parts: [{ text }] });

describe('Gemini Live stand-in: connection lifecycle', () => {
  it('restores the context a handle was issued with, and tells how often the model got it', async () => {
    standIn = await GeminiLiveStandIn.start({
      reactions: [{ on: 'clientTurn', reply: recallingTurn(NAME) }],
    });
    const first = connectGenai(standIn, { sessionResumption: {} });
    (await first.session).sendClientContent({
      turns: [userTurn('My name is Ada.')],
      turnComplete: true,
    });
    await until(
      () => transcripts(first).length === 1 && handles(first).length >= 2,
      'a handle after the turn',
    );
    expect(transcripts(first)).toEqual(['Your name is Ada.']);
    const handle = handles(first).at(-1) ?? '';
    (await first.session).close();

    const resumed = connectGenai(standIn, { sessionResumption: { handle } });
    (await resumed.session).sendClientContent({
      turns: [userTurn('What is my name?')],
      turnComplete: true,
    });
    await until(() => transcripts(resumed).length === 1, 'the answer on the resumed connection');
    expect(transcripts(resumed)).toEqual(['Your name is Ada.']);
    expect(standIn.contextVerdict(2)).toMatchObject({
      predecessor: 1,
      handle: 'restored',
      priorTurns: ['My name is Ada.'],
      delivery: 'once',
    });

    const doubled = connectGenai(standIn, { sessionResumption: { handle } });
    (await doubled.session).sendClientContent({
      turns: [userTurn('My name is Ada.')],
      turnComplete: false,
    });
    await standIn.waitFor('clientContent', (m) => m.connection === 3);
    expect(standIn.contextVerdict(3)).toMatchObject({ copies: [2], delivery: 'twice' });

    const forgotten = connectGenai(standIn);
    (await forgotten.session).sendClientContent({
      turns: [userTurn('What is my name?')],
      turnComplete: true,
    });
    await until(() => transcripts(forgotten).length === 1, 'the answer without context');
    expect(transcripts(forgotten)).toEqual(['I do not know your name.']);
    expect(standIn.contextVerdict(4)).toMatchObject({ handle: 'none', delivery: 'none' });
  });

  it('refuses unknown and expired handles with 1007', async () => {
    standIn = await GeminiLiveStandIn.start();
    const unknown = connectGenai(standIn, { sessionResumption: { handle: 'made-up' } });
    await until(() => unknown.closed !== undefined, 'the refusal');
    expect(unknown.closed?.code).toBe(1007);

    const first = connectGenai(standIn, { sessionResumption: {} });
    await first.session;
    await until(() => handles(first).length === 1, 'a handle');
    standIn.expireHandles();
    const stale = connectGenai(standIn, { sessionResumption: { handle: handles(first)[0] } });
    await until(() => stale.closed !== undefined, 'the refusal');
    expect(stale.closed?.code).toBe(1007);
    expect(standIn.connections.map((c) => c.handle)).toEqual(['refused', 'none', 'refused']);
  });

  it('refuses a resume while the old connection is open with 1011, when asked to', async () => {
    standIn = await GeminiLiveStandIn.start({ refuseResumeWhileOpen: true });
    const first = connectGenai(standIn, { sessionResumption: {} });
    await until(() => handles(first).length === 1, 'a handle');
    const early = connectGenai(standIn, { sessionResumption: { handle: handles(first)[0] } });
    await until(() => early.closed !== undefined, 'the refusal');
    expect(early.closed?.code).toBe(1011);
  });

  it('offers no handle during a generation or a tool call, and periodic handles otherwise', async () => {
    standIn = await GeminiLiveStandIn.start({ limits: { resumptionUpdateMs: 50 } });
    const client = connectGenai(standIn, { sessionResumption: {} });
    const session = await client.session;
    await until(() => handles(client).length >= 2, 'periodic handles');
    await standIn.play(toolCallTurn({ id: 'c1', name: 'lookup' }));
    const updates = () => client.received.filter((m) => m.sessionResumptionUpdate);
    const before = updates().length;
    await until(() => updates().length >= before + 2, 'updates during the tool call');
    expect(
      updates()
        .slice(before)
        .map((m) => m.sessionResumptionUpdate),
    ).toContainEqual({
      resumable: false,
    });
    session.sendToolResponse({
      functionResponses: [{ id: 'c1', name: 'lookup', response: { output: 'ok' } }],
    });
    await standIn.waitFor('toolResponse');
    await standIn.play(spokenTurn('Done.'));
    const afterTurn = updates().length;
    await until(() => updates().length > afterTurn, 'an update after the turn');
    expect(updates().at(-1)?.sessionResumptionUpdate?.resumable).toBe(true);
  });

  it('closes with 1011 "Deadline expired" when a goAway runs out, scripted or at the end of life', async () => {
    standIn = await GeminiLiveStandIn.start();
    const scripted = connectGenai(standIn);
    await scripted.session;
    await standIn.play([{ type: 'goAway', timeLeft: '0.2s' }]);
    await until(() => scripted.closed !== undefined, 'the deadline');
    expect(scripted.received.map((m) => m.goAway?.timeLeft).filter(Boolean)).toEqual(['0.2s']);
    expect(scripted.closed).toEqual({ code: 1011, reason: 'Deadline expired' });

    standIn.setLimits(1, { connectionMs: 600, goAwayLeadMs: 300 });
    const aging = connectGenai(standIn);
    await aging.session;
    await until(() => aging.closed !== undefined, 'the end of the connection');
    expect(aging.received.map((m) => m.goAway?.timeLeft).filter(Boolean)).toEqual(['0.3s']);
    expect(aging.closed?.code).toBe(1011);
    expect(standIn.connections[1]?.ended).toEqual({
      code: 1011,
      reason: 'Deadline expired',
      by: 'server',
    });
  });
});
