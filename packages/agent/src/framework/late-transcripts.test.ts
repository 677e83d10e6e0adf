import { initializeLogger, voice } from '@livekit/agents';
import { Room } from '@livekit/rtc-node';
import { type DevServer, startDevServer } from '@voice-agent/devserver';
import { TOPICS } from '@voice-agent/protocol';
import { waitFor } from '@voice-agent/testing';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveAgentConfig } from '../config/config.js';
import {
  chunkedTranscription,
  GeminiLiveStandIn,
  lateTranscriptTurn,
  type ServerEvent,
  spokenTurn,
  tonePcm,
} from '../testing/index.js';
import { FunctionClientToolTransport } from '../tools/function-transport.js';
import { createVoiceAgentSession } from '../worker/session.js';

// A real AgentSession with RoomIO (captions synchronised with audio) in a room of the
// development server, and the Gemini Live stand-in sending transcripts after `turnComplete`,
// as real Gemini does. Its audio comes faster than real time, so the answer is still playing
// in the room when the late transcript arrives.

const LATE = 'The museum opens at nine and closes at five on weekdays.';
const SPLIT_BEFORE = 'Tickets cost twelve euros, ';
const SPLIT_AFTER = 'and children under six go in for free.';
const HEARD = 'When does the museum open?';
const NORMAL = 'You are welcome.';
const LONG_MS = 1500;

initializeLogger({ pretty: false, level: 'warn' });

let server: DevServer;
let standIn: GeminiLiveStandIn;
const rooms: Room[] = [];
let session: voice.AgentSession | undefined;

/** What the stand-in answers to the visitor's latest typed words. */
function answer(words: string): ServerEvent[] {
  const pcm = tonePcm({ durationMs: LONG_MS });
  if (words.includes('hours')) return lateTranscriptTurn(LATE, 3, pcm);
  if (words.includes('price')) {
    return [
      { type: 'audio', pcm },
      { type: 'outputTranscription', text: SPLIT_BEFORE },
      { type: 'generationComplete' },
      { type: 'turnComplete' },
      ...chunkedTranscription(SPLIT_AFTER, 2),
    ];
  }
  if (words.includes('spoke')) {
    // The visitor's own words, transcribed after the model's answer is complete.
    return [
      { type: 'audio', pcm },
      { type: 'outputTranscription', text: LATE },
      { type: 'generationComplete' },
      { type: 'turnComplete' },
      { type: 'inputTranscription', text: HEARD },
    ];
  }
  return spokenTurn(NORMAL, tonePcm({ durationMs: 300 }));
}

beforeAll(async () => {
  [server, standIn] = await Promise.all([
    startDevServer({ port: 0 }),
    GeminiLiveStandIn.start({
      reactions: [
        {
          on: 'clientTurn',
          // The visitor's words are in the context; the turn itself is the plugin's '.'.
          reply: (_received, context) =>
            answer(
              context.filter((t) => t.role === 'user' && !['', '.'].includes(t.text.trim())).at(-1)
                ?.text ?? '',
            ),
        },
      ],
    }),
  ]);
}, 60_000);

afterAll(async () => {
  await session?.close();
  await Promise.all(rooms.map((room) => room.disconnect()));
  await Promise.all([server?.close(), standIn?.close()]);
});

async function join(identity: string, agent: boolean): Promise<Room> {
  const token = new AccessToken('devkey', 'secret', { identity });
  if (agent) token.kind = 'agent';
  token.addGrant({ roomJoin: true, room: 'late', agent, canPublish: true, canSubscribe: true });
  const room = new Room();
  rooms.push(room);
  await room.connect(server.url, await token.toJwt());
  return room;
}

it('plays an answer whose transcript comes after turnComplete to its end, with its whole caption once', async () => {
  const visitor = await join('visitor', false);
  const captions: { who: string; text: string }[] = [];
  // The agent sends both sides' captions: its own name its audio track; the visitor's, who
  // types and has no microphone, name none, and come as interim streams, then a final one.
  visitor.registerTextStreamHandler(TOPICS.transcription, async (reader) => {
    const attributes = reader.info.attributes ?? {};
    const text = (await reader.readAll()).trim();
    const who = attributes['lk.transcribed_track_id'] ? 'agent' : 'visitor';
    if (text && (who === 'agent' || attributes['lk.transcription_final'] === 'true')) {
      captions.push({ who, text });
    }
  });
  const built = createVoiceAgentSession(
    resolveAgentConfig({ instructions: 'You are a test agent.' }),
    { googleApiKey: 'test-key', geminiBaseUrl: standIn.baseUrl },
    new FunctionClientToolTransport({}),
  );
  session = built.session;
  let replies = 0;
  session.on(voice.AgentSessionEventTypes.SpeechCreated, () => {
    replies += 1;
  });
  await session.start({
    agent: built.agent,
    room: await join('agent', true),
    inputOptions: { textEnabled: true, participantIdentity: 'visitor' },
    outputOptions: { transcriptionEnabled: true },
  });
  const played: { interrupted: boolean; seconds: number }[] = [];
  session.output.audio?.on(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, (event) =>
    played.push({ interrupted: event.interrupted, seconds: event.playbackPosition }),
  );
  const current = session;
  const ask = async (text: string) => {
    const before = played.length;
    await visitor.localParticipant?.sendText(text, { topic: TOPICS.chat });
    // A failure shows in the assertion below, with everything the visitor observed.
    await waitFor(() => played.length > before || undefined, { what: `the answer to "${text}"` })
      .then(() => waitFor(() => current.agentState === 'listening' || undefined))
      .catch(() => undefined);
  };
  await ask('What are the opening hours?');
  await ask('And the price?');
  await ask('Did you get what I spoke?');
  await ask('Thanks.');
  const expected = [
    { who: 'agent', text: LATE },
    { who: 'agent', text: `${SPLIT_BEFORE}${SPLIT_AFTER}` },
    { who: 'agent', text: LATE },
    { who: 'visitor', text: HEARD },
    { who: 'agent', text: NORMAL },
  ];
  await waitFor(() => captions.length >= expected.length || undefined, {
    what: 'every caption',
  }).catch(() => undefined);
  // Only the visitor's own caption may come in any order relative to the agent's.
  const agentCaptions = captions.filter((c) => c.who === 'agent');
  expect({
    played,
    replies,
    agentCaptions,
    visitorCaptions: captions.filter((c) => c.who !== 'agent'),
    state: current.agentState,
  }).toEqual({
    played: [LONG_MS, LONG_MS, LONG_MS, 300].map((ms) => ({
      interrupted: false,
      seconds: expect.closeTo(ms / 1000, 1),
    })),
    replies: 4,
    agentCaptions: expected.filter((c) => c.who === 'agent'),
    visitorCaptions: [{ who: 'visitor', text: HEARD }],
    state: 'listening',
  });
}, 90_000);
