import { GoogleGenAI, type LiveServerMessage, Modality, type Session } from '@google/genai';
import { input16k } from '@voice-agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { spokenTurn, tonePcm } from './events.js';
import { until } from './genai-client.test-helper.js';
import type { StandInOptions } from './options.js';
import { GeminiLiveStandIn } from './server.js';
import { sentSummary } from './wire.js';

let standIn: GeminiLiveStandIn | undefined;
let session: Session | undefined;
afterEach(async () => {
  session?.close();
  await standIn?.close();
  standIn = undefined;
  session = undefined;
});

/** Connects the real @google/genai Live client to the stand-in. */
async function connect(stand: GeminiLiveStandIn) {
  const received: LiveServerMessage[] = [];
  let closeCode: number | undefined;
  const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: stand.baseUrl } });
  session = await ai.live.connect({
    model: 'gemini-2.5-flash-native-audio-preview-12-2025',
    config: { responseModalities: [Modality.AUDIO] },
    callbacks: {
      onmessage: (message) => received.push(message),
      onclose: (event) => {
        closeCode = event.code;
      },
    },
  });
  return { received, closed: () => closeCode, session };
}

/**
 * A stand-in started with `options` that answers speech, to which a client spoke (three loud
 * chunks), then typed a word; resolves once the client has the answer.
 */
async function speakAndType(options: StandInOptions): Promise<GeminiLiveStandIn> {
  const stand = await GeminiLiveStandIn.start({
    ...options,
    reactions: [{ on: 'speech', minMs: 100, reply: spokenTurn('Beep.', tonePcm()) }],
  });
  const client = await connect(stand);
  for (let i = 0; i < 3; i++) {
    client.session.sendRealtimeInput({ audio: { mimeType: 'audio/pcm', data: input16k(0.3, 50) } });
  }
  client.session.sendRealtimeInput({ text: 'and a word' });
  await until(() => client.received.some((m) => m.serverContent?.turnComplete), 'the reply');
  return stand;
}

describe('Gemini Live stand-in', () => {
  it('answers speech input at once with audio and records what it received', async () => {
    standIn = await GeminiLiveStandIn.start({
      reactions: [
        { on: 'speech', minLevel: 0.05, minMs: 100, reply: spokenTurn('Beep.', tonePcm()) },
      ],
    });
    const client = await connect(standIn);
    const audioData = () =>
      client.received
        .flatMap((m) => m.serverContent?.modelTurn?.parts ?? [])
        .filter((p) => p.inlineData);
    for (let i = 0; i < 4; i++) {
      client.session.sendRealtimeInput({ audio: { mimeType: 'audio/pcm', data: input16k(0, 50) } });
    }
    await standIn.waitFor('realtimeInput', () => standIn?.messages('realtimeInput').length === 4);
    expect(audioData()).toHaveLength(0);
    for (let i = 0; i < 3; i++) {
      client.session.sendRealtimeInput({
        audio: { mimeType: 'audio/pcm', data: input16k(0.3, 50) },
      });
    }
    await until(() => client.received.some((m) => m.serverContent?.turnComplete), 'the reply');
    const bytes = audioData().reduce(
      (sum, part) => sum + Buffer.from(part.inlineData?.data ?? '', 'base64').length,
      0,
    );
    expect(bytes).toBe(24_000 * 2 * 0.5);
    expect(client.received.map((m) => m.serverContent?.outputTranscription?.text)).toContain(
      'Beep.',
    );
    const setup = standIn.messages('setup')[0]?.message.setup;
    expect(setup.model).toBe('models/gemini-2.5-flash-native-audio-preview-12-2025');
  });

  it('keeps no audio chunks with recordAudio off, and still answers them', async () => {
    standIn = await speakAndType({ recordAudio: false });
    await standIn.waitFor('realtimeInput', () => standIn?.messages('realtimeInput').length === 1);
    expect(standIn.messages('realtimeInput').map((m) => m.message.realtimeInput)).toEqual([
      { text: 'and a word' },
    ]);
    expect(standIn.messages('setup')).toHaveLength(1);
  });

  it('keeps no message at all with record off, and still answers', async () => {
    standIn = await speakAndType({ record: false });
    expect(standIn.received).toEqual([]);
    expect(standIn.sent).toEqual([]);
    await expect(standIn.waitFor('setup')).rejects.toThrow('started with record off');
  });

  it('answers a sentence once, pauses between its words included, and the next sentence again', async () => {
    standIn = await GeminiLiveStandIn.start({
      reactions: [{ on: 'speech', minMs: 100, reply: spokenTurn('Yes?', tonePcm()) }],
    });
    const client = await connect(standIn);
    /** Sends `chunks` 50 ms chunks at `level` and waits until the stand-in has them. */
    const send = async (level: number, chunks: number) => {
      const total = standIn?.messages('realtimeInput').length ?? 0;
      for (let i = 0; i < chunks; i++) {
        client.session.sendRealtimeInput({
          audio: { mimeType: 'audio/pcm', data: input16k(level, 50) },
        });
      }
      await standIn?.waitFor(
        'realtimeInput',
        () => standIn?.messages('realtimeInput').length === total + chunks,
      );
    };
    const answers = () => client.received.filter((m) => m.serverContent?.turnComplete).length;
    // A sentence: words with 150 ms pauses between them.
    for (let word = 0; word < 4; word++) {
      await send(0.3, 3);
      await send(0, 3);
    }
    await until(() => answers() === 1, 'the answer to the sentence');
    // The end of the sentence (a pause longer than 400 ms), then the next one.
    await send(0, 6);
    await send(0.3, 3);
    await until(() => answers() === 2, 'the answer to the next sentence');
    await send(0, 3);
    expect(answers()).toBe(2);
  });

  it('records what it sent and the closes it made, per connection, for a failure to show', async () => {
    standIn = await GeminiLiveStandIn.start({
      reactions: [
        {
          on: 'clientTurn',
          reply: [
            ...spokenTurn('Hi.', tonePcm({ durationMs: 120 })),
            { type: 'close', code: 1011 },
          ],
        },
      ],
    });
    const client = await connect(standIn);
    client.session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'Hello' }] }] });
    await until(() => client.closed() !== undefined, 'the close');
    expect(sentSummary(standIn.sent)).toEqual([
      '#1 {"setupComplete":{}}',
      '#1 audio ×3',
      '#1 {"serverContent":{"outputTranscription":{"text":"Hi."}}}',
      '#1 {"serverContent":{"generationComplete":true}}',
      '#1 {"serverContent":{"turnComplete":true}}',
      '#1 {"close":{"code":1011,"reason":""}}',
    ]);
  });

  it('closes sessions with code 1000, which the plugin needs to stay alive', async () => {
    standIn = await GeminiLiveStandIn.start();
    const client = await connect(standIn);
    client.session.close();
    await until(() => client.closed() !== undefined, 'the close');
    expect(client.closed()).toBe(1000);
  });

  it('refuses other paths and sessions that do not start with setup', async () => {
    standIn = await GeminiLiveStandIn.start();
    const wrongPath = new WebSocket(`${standIn.baseUrl.replace('http', 'ws')}/ws/other`);
    const status = await new Promise<number | undefined>((resolve) => {
      wrongPath.on('unexpected-response', (_, response) => resolve(response.statusCode));
      wrongPath.on('error', () => resolve(undefined));
    });
    expect(status).toBe(404);
    const path = '//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';
    const noSetup = new WebSocket(`${standIn.baseUrl.replace('http', 'ws')}${path}?key=k`);
    await new Promise((resolve) => noSetup.on('open', resolve));
    noSetup.send(JSON.stringify({ realtimeInput: { text: 'hi' } }));
    const code = await new Promise((resolve) => noSetup.on('close', resolve));
    expect(code).toBe(1007);
  });
});
