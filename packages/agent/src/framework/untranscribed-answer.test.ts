import { initializeLogger } from '@livekit/agents';
import { waitFor } from '@voice-agent/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServerEvent, spokenTurn, tonePcm } from '../testing/index.js';
import { type RoomSession, startRoomSession } from './room-session.test-helper.js';

// A real AgentSession with RoomIO (transcription synchronised with audio, as the job runs
// it) in a room of the development server, a visitor that types and reads the captions, and
// the Gemini Live stand-in answering with and without a transcript.

const WARNING = 'markPlaybackFinished called before text/audio input is done';
const SPOKEN = 'The weather in Oslo is sunny today, with a light breeze.';

/** The framework's warnings, read off its logger's output (pino's JSON lines on stdout). */
const warnings: string[] = [];
const write = process.stdout.write.bind(process.stdout);
initializeLogger({ pretty: false, level: 'warn' });

let room: RoomSession;

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
  room = await startRoomSession((words) =>
    words.includes('weather') ? spokenTurn(SPOKEN) : audioOnly,
  );
}, 60_000);

afterAll(async () => {
  await room?.close();
  process.stdout.write = write;
});

it('answers with and without a transcript, captions complete, and no playback finished before its text ended', async () => {
  await room.ask('Say something.');
  await room.ask('How is the weather?');
  await room.ask('And once more.');
  await room.ask('How is the weather now?');
  const captions = () => room.captions.filter((c) => c.who === 'agent').map((c) => c.text);
  await waitFor(() => captions().filter((c) => c === SPOKEN).length === 2 || undefined, {
    what: 'both spoken captions',
  }).catch(() => undefined);
  expect({
    played: room.played.map((p) => !p.interrupted),
    captions: captions(),
    warnings: warnings.filter((w) => w.includes(WARNING)),
  }).toEqual({
    played: [true, true, true, true],
    captions: [SPOKEN, SPOKEN],
    warnings: [],
  });
});
