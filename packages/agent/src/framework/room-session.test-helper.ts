import { voice } from '@livekit/agents';
import { Room, type RoomOptions } from '@livekit/rtc-node';
import { startDevServer } from '@voice-agent/devserver';
import { TOPICS } from '@voice-agent/protocol';
import { waitFor } from '@voice-agent/testing';
import { AccessToken } from 'livekit-server-sdk';
import { GeminiLiveStandIn, type Reaction, type ServerEvent } from '../testing/index.js';
import { createTestSession } from '../worker/test-session.test-helper.js';

/** A caption the visitor received: whose, and its whole text. */
export interface Caption {
  who: 'agent' | 'visitor';
  text: string;
}

/**
 * A real AgentSession with RoomIO (captions synchronised with the audio, as the job runs it) in
 * a room of the development server, a visitor who types and reads the captions, and the
 * Gemini Live stand-in answering the visitor's latest typed words with `answer`.
 */
export interface RoomSession {
  session: voice.AgentSession;
  standIn: GeminiLiveStandIn;
  /** Every caption, in the order its stream ended: the agent's, and the visitor's final ones. */
  captions: Caption[];
  /** Every answer's end of playback in the room. */
  played: { interrupted: boolean; seconds: number }[];
  /** Types `text` and waits (without failing) for an answer to finish playing. */
  ask(text: string): Promise<void>;
  close(): Promise<void>;
}

/** A stand-in rule: each typed turn is answered with `answer` of the visitor's latest words. */
export function answerLatestWords(answer: (words: string) => ServerEvent[]): Reaction {
  return {
    on: 'clientTurn',
    // The visitor's words are in the context; the turn itself is the plugin's '.'.
    reply: (_received, context) =>
      answer(
        context.filter((t) => t.role === 'user' && !['', '.'].includes(t.text.trim())).at(-1)
          ?.text ?? '',
      ),
  };
}

/**
 * Joins `roomName` on the dev server at `url` as `identity`: as the agent (a token of kind
 * agent) or as a visitor.
 */
export async function joinRoom(
  url: string,
  roomName: string,
  identity: string,
  agent: boolean,
  options?: RoomOptions,
): Promise<Room> {
  const token = new AccessToken('devkey', 'secret', { identity });
  if (agent) token.kind = 'agent';
  token.addGrant({ roomJoin: true, room: roomName, agent, canPublish: true, canSubscribe: true });
  const room = new Room();
  await room.connect(url, await token.toJwt(), options);
  return room;
}

export async function startRoomSession(
  answer: (words: string) => ServerEvent[],
): Promise<RoomSession> {
  const [server, standIn] = await Promise.all([
    startDevServer({ port: 0 }),
    GeminiLiveStandIn.start({ reactions: [answerLatestWords(answer)] }),
  ]);
  const rooms: Room[] = [];
  const join = async (identity: string, agent: boolean) => {
    const room = await joinRoom(server.url, 'captions', identity, agent);
    rooms.push(room);
    return room;
  };
  const visitor = await join('visitor', false);
  const captions: Caption[] = [];
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
  const built = createTestSession(standIn);
  const { session } = built;
  await session.start({
    agent: built.agent,
    room: await join('agent', true),
    inputOptions: { textEnabled: true, participantIdentity: 'visitor' },
    outputOptions: { transcriptionEnabled: true },
  });
  const played: RoomSession['played'] = [];
  session.output.audio?.on(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, (event) =>
    played.push({ interrupted: event.interrupted, seconds: event.playbackPosition }),
  );
  return {
    session,
    standIn,
    captions,
    played,
    async ask(text) {
      const before = played.length;
      await visitor.localParticipant?.sendText(text, { topic: TOPICS.chat });
      // A failure shows in the caller's assertions, with everything the visitor observed.
      await waitFor(() => played.length > before || undefined, { what: `the answer to "${text}"` })
        .then(() => waitFor(() => session.agentState === 'listening' || undefined))
        .catch(() => undefined);
    },
    async close() {
      await session.close();
      await Promise.all(rooms.map((room) => room.disconnect()));
      await Promise.all([server.close(), standIn.close()]);
    },
  };
}
