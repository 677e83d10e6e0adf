import { initializeLogger, voice } from '@livekit/agents';
import { waitFor } from '@voice-agent/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  chunkedTranscription,
  lateTranscriptTurn,
  type ServerEvent,
  spokenTurn,
  tonePcm,
} from '../testing/index.js';
import { type RoomSession, startRoomSession } from './room-session.test-helper.js';

// A real AgentSession with RoomIO in a room of the development server, and the Gemini Live
// stand-in sending transcripts after `turnComplete`, as real Gemini does. Its audio comes
// faster than real time, so the answer is still playing in the room when the late transcript
// arrives.

const LATE = 'The museum opens at nine and closes at five on weekdays.';
const SPLIT_BEFORE = 'Tickets cost twelve euros, ';
const SPLIT_AFTER = 'and children under six go in for free.';
const HEARD = 'When does the museum open?';
const NORMAL = 'You are welcome.';
const LONG_MS = 1500;
const CUT = 'This answer is long, and the visitor cuts it short.';
const STOPPED = 'All right, I stop.';

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
  if (words.includes('interrupt')) {
    // The visitor barges in while the answer plays: Gemini transcribes their words, then answers.
    return [
      { type: 'audio', pcm },
      { type: 'outputTranscription', text: CUT },
      { type: 'generationComplete' },
      { type: 'turnComplete' },
      { type: 'wait', ms: 500 },
      { type: 'inputTranscription', text: 'Stop.' },
      ...spokenTurn(STOPPED, tonePcm({ durationMs: 300 })),
    ];
  }
  return spokenTurn(NORMAL, tonePcm({ durationMs: 300 }));
}

initializeLogger({ pretty: false, level: 'warn' });

let room: RoomSession;
beforeAll(async () => {
  room = await startRoomSession(answer);
}, 60_000);
afterAll(() => room?.close());

it('plays an answer whose transcript comes after turnComplete to its end, with its whole caption once', async () => {
  let replies = 0;
  room.session.on(voice.AgentSessionEventTypes.SpeechCreated, () => {
    replies += 1;
  });
  await room.ask('What are the opening hours?');
  await room.ask('And the price?');
  await room.ask('Did you get what I spoke?');
  await room.ask('Thanks.');
  const expected = [
    { who: 'agent', text: LATE },
    { who: 'agent', text: `${SPLIT_BEFORE}${SPLIT_AFTER}` },
    { who: 'agent', text: LATE },
    { who: 'visitor', text: HEARD },
    { who: 'agent', text: NORMAL },
  ];
  await waitFor(() => room.captions.length >= expected.length || undefined, {
    what: 'every caption',
  }).catch(() => undefined);
  // Only the visitor's own caption may come in any order relative to the agent's.
  expect({
    played: room.played,
    replies,
    agentCaptions: room.captions.filter((c) => c.who === 'agent'),
    visitorCaptions: room.captions.filter((c) => c.who !== 'agent'),
    state: room.session.agentState,
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

it('keeps the caption of an answer the visitor cuts short, and every caption after it', async () => {
  const from = { captions: room.captions.length, played: room.played.length };
  await room.ask('Can I interrupt you?');
  await waitFor(() => room.captions.some((c) => c.text === STOPPED) || undefined, {
    what: 'the answer to the barge-in',
  }).catch(() => undefined);
  await room.ask('Thanks.');
  await waitFor(() => room.captions.length >= from.captions + 4 || undefined, {
    what: 'every caption',
  }).catch(() => undefined);
  const captions = room.captions.slice(from.captions);
  const cut = captions.find((c) => c.who === 'agent' && c.text !== STOPPED && c.text !== NORMAL);
  expect({
    played: room.played.slice(from.played).map((p) => p.interrupted),
    // Cut where its audio stopped: the words played, not the whole text.
    cut: cut && CUT.startsWith(cut.text) && cut.text.length < CUT.length,
    agentCaptions: captions.filter((c) => c.who === 'agent' && c !== cut),
    visitorCaptions: captions.filter((c) => c.who === 'visitor'),
    state: room.session.agentState,
  }).toEqual({
    played: [true, false, false],
    cut: true,
    agentCaptions: [
      { who: 'agent', text: STOPPED },
      { who: 'agent', text: NORMAL },
    ],
    visitorCaptions: [{ who: 'visitor', text: 'Stop.' }],
    state: 'listening',
  });
}, 60_000);
