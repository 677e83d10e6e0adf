import { initializeLogger, voice } from '@livekit/agents';
import { Room } from '@livekit/rtc-node';
import { type DevServer, startDevServer } from '@voice-agent/devserver';
import { TOPICS } from '@voice-agent/protocol';
import { waitFor } from '@voice-agent/testing';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveAgentConfig } from '../config/config.js';
import { GeminiLiveStandIn, type ServerEvent, spokenTurn, tonePcm } from '../testing/index.js';
import { FunctionClientToolTransport } from '../tools/function-transport.js';
import { createVoiceAgentSession } from '../worker/session.js';

// A real AgentSession with RoomIO (transcription synchronised with audio, as the job runs
// it) in a room of the development server, a visitor that types and reads the captions, and
// the Gemini Live stand-in answering with and without a transcript.

const WARNING = 'markPlaybackFinished called before text/audio input is done';
const SPOKEN = 'The weather in Oslo is sunny today, with a light breeze.';

/** The framework's warnings, read off its logger's output (pino's JSON lines on stdout). */
const warnings: string[] = [];
const write = process.stdout.write.bind(process.stdout);
initializeLogger({ pretty: false, level: 'warn' });

let server: DevServer;
let standIn: GeminiLiveStandIn;
const rooms: Room[] = [];
let session: voice.AgentSession | undefined;

beforeAll(async () => {
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const line = String(chunk);
    if (!line.startsWith('{"level":')) return write(chunk, ...rest);
    warnings.push((JSON.parse(line) as { msg: string }).msg);
    return true;
  }) as typeof process.stdout.write;
  const audioOnly: ServerEvent[] = [
    { type: 'audio', pcm: tonePcm({ durationMs: 300 }) },
    { type: 'generationComplete' },
    { type: 'turnComplete' },
  ];
  [server, standIn] = await Promise.all([
    startDevServer({ port: 0 }),
    GeminiLiveStandIn.start({
      reactions: [
        {
          on: 'clientTurn',
          // The visitor's words are in the context; the turn itself is the plugin's '.'.
          reply: (_received, context) =>
            context
              .filter((t) => t.role === 'user' && !['', '.'].includes(t.text.trim()))
              .at(-1)
              ?.text.includes('weather')
              ? spokenTurn(SPOKEN)
              : audioOnly,
        },
      ],
    }),
  ]);
}, 60_000);

afterAll(async () => {
  await session?.close();
  await Promise.all(rooms.map((room) => room.disconnect()));
  await Promise.all([server?.close(), standIn?.close()]);
  process.stdout.write = write;
});

async function join(identity: string, agent: boolean): Promise<Room> {
  const token = new AccessToken('devkey', 'secret', { identity });
  if (agent) token.kind = 'agent';
  token.addGrant({ roomJoin: true, room: 'captions', agent, canPublish: true, canSubscribe: true });
  const room = new Room();
  rooms.push(room);
  await room.connect(server.url, await token.toJwt());
  return room;
}

it('answers with and without a transcript, captions complete, and no playback finished before its text ended', async () => {
  const visitor = await join('visitor', false);
  const captions: string[] = [];
  visitor.registerTextStreamHandler(TOPICS.transcription, async (reader, participant) => {
    const text = (await reader.readAll()).trim();
    if (participant.identity === 'agent' && text) captions.push(text);
  });
  const built = createVoiceAgentSession(
    resolveAgentConfig({ instructions: 'You are a test agent.' }),
    { googleApiKey: 'test-key', geminiBaseUrl: standIn.baseUrl },
    new FunctionClientToolTransport({}),
  );
  session = built.session;
  const played: boolean[] = [];
  await session.start({
    agent: built.agent,
    room: await join('agent', true),
    inputOptions: { textEnabled: true, participantIdentity: 'visitor' },
    outputOptions: { transcriptionEnabled: true },
  });
  session.output.audio?.on(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, (event) =>
    played.push(!event.interrupted),
  );
  const ask = async (text: string) => {
    const before = played.length;
    await visitor.localParticipant?.sendText(text, { topic: TOPICS.chat });
    await waitFor(() => played.length > before || undefined, { what: `the answer to "${text}"` });
  };
  await ask('Say something.');
  await ask('How is the weather?');
  await ask('And once more.');
  await ask('How is the weather now?');
  await waitFor(() => captions.filter((c) => c === SPOKEN).length === 2 || undefined, {
    what: 'both spoken captions',
  }).catch(() => undefined);
  expect({ played, captions, warnings: warnings.filter((w) => w.includes(WARNING)) }).toEqual({
    played: [true, true, true, true],
    captions: [SPOKEN, SPOKEN],
    warnings: [],
  });
});
