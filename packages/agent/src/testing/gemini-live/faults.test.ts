import { input16k } from '@voice-agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { spokenTurn, tonePcm } from './events.js';
import { closeGenaiClients, connectGenai, handles, until } from './genai-client.test-helper.js';
import { GeminiLiveStandIn } from './server.js';

let standIn: GeminiLiveStandIn | undefined;
afterEach(async () => {
  await closeGenaiClients();
  await standIn?.close();
  standIn = undefined;
});

const settled = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const answered = [{ on: 'clientTurn' as const, reply: spokenTurn('Here.') }];

describe('Gemini Live stand-in: abnormal ends', () => {
  it('refuses the upgrade with HTTP 429, which the client sees as 1006', async () => {
    standIn = await GeminiLiveStandIn.start({ faults: [{ fault: 'refuseUpgrade' }] });
    const refused = connectGenai(standIn);
    await until(() => refused.closed !== undefined, 'the refusal');
    expect(refused.closed?.code).toBe(1006);
    expect(standIn.connectionCount).toBe(0);
    await connectGenai(standIn).session;
    expect(standIn.connectionCount).toBe(1);
  });

  it('can leave setup unanswered, or answer it and then fall silent', async () => {
    standIn = await GeminiLiveStandIn.start({
      reactions: answered,
      faults: [{ fault: 'ignoreSetup' }, { fault: 'silentAfterSetup' }],
    });
    const unanswered = connectGenai(standIn);
    const outcome = await Promise.race([unanswered.session.then(() => 'set up'), settled(700)]);
    expect(outcome).toBeUndefined();
    expect(unanswered.closed).toBeUndefined();
    expect(standIn.connections[0]?.setUp).toBe(false);

    const silent = connectGenai(standIn, { sessionResumption: {} });
    const session = await silent.session;
    session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    await standIn.waitFor('clientContent');
    await settled(700);
    expect(silent.received.map((m) => Object.keys(m))).toEqual([['setupComplete']]);
    expect(silent.closed).toBeUndefined();
  });

  it('closes with 1011 mid-answer, or with 1000 and no goAway, as scripted', async () => {
    standIn = await GeminiLiveStandIn.start();
    const cut = connectGenai(standIn);
    await cut.session;
    await standIn.play([
      { type: 'audio', pcm: tonePcm({ durationMs: 200 }) },
      { type: 'close', code: 1011, reason: 'Internal error encountered.' },
      ...spokenTurn('never sent'),
    ]);
    await until(() => cut.closed !== undefined, 'the close');
    expect(cut.closed).toEqual({ code: 1011, reason: 'Internal error encountered.' });
    expect(cut.received.some((m) => m.serverContent?.modelTurn)).toBe(true);
    expect(cut.received.some((m) => m.serverContent?.turnComplete)).toBe(false);

    const quiet = connectGenai(standIn);
    await quiet.session;
    await standIn.play([{ type: 'close', code: 1000 }]);
    await until(() => quiet.closed !== undefined, 'the close');
    expect(quiet.closed?.code).toBe(1000);
    expect(quiet.received.some((m) => m.goAway)).toBe(false);
  });

  it('ends a session after its audio budget without compression, and refuses its handles', async () => {
    standIn = await GeminiLiveStandIn.start({
      limits: { sessionAudioMs: 500, goAwayLeadMs: 200, resumptionUpdateMs: 100 },
    });
    const plain = connectGenai(standIn, { sessionResumption: {} });
    const session = await plain.session;
    await until(() => handles(plain).length > 0, 'a handle');
    for (let i = 0; i < 12; i++) {
      session.sendRealtimeInput({ audio: { mimeType: 'audio/pcm', data: input16k(0, 50) } });
    }
    await until(() => plain.closed !== undefined, 'the end of the session');
    expect(plain.received.map((m) => m.goAway?.timeLeft).filter(Boolean)).toEqual(['0.2s']);
    expect(plain.closed).toEqual({ code: 1011, reason: 'Deadline expired' });
    const resumed = connectGenai(standIn, { sessionResumption: { handle: handles(plain).at(-1) } });
    await until(() => resumed.closed !== undefined, 'the refusal');
    expect(resumed.closed?.code).toBe(1007);

    const compressed = connectGenai(standIn, {
      contextWindowCompression: { slidingWindow: {} },
    });
    const long = await compressed.session;
    for (let i = 0; i < 20; i++) {
      long.sendRealtimeInput({ audio: { mimeType: 'audio/pcm', data: input16k(0, 50) } });
    }
    await standIn.waitFor(
      'realtimeInput',
      (m) =>
        m.connection === 3 &&
        standIn?.messages('realtimeInput').filter((r) => r.connection === 3).length === 20,
    );
    await settled(400);
    expect(compressed.received.some((m) => m.goAway)).toBe(false);
    expect(compressed.closed).toBeUndefined();
  });
});
