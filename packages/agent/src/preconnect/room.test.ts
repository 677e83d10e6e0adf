import { initializeLogger } from '@livekit/agents';
import { AudioTrackFeature } from '@livekit/protocol';
import {
  AudioSource,
  LocalAudioTrack,
  type RemoteTrackPublication,
  Room,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { type DevServer, startDevServer } from '@voice-agent/devserver';
import { waitFor } from '@voice-agent/testing';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, afterEach, assert, beforeAll, describe, expect, it } from 'vitest';
import { PRE_CONNECT_AUDIO_TOPIC, PRE_CONNECT_BUFFER_FEATURE, PreConnectAudio } from './buffer.js';
import { SESSION_PCM_FORMAT } from './decode.js';
import { recordToneInChromium, samplesOf, toneFrequency } from './recording.test-helper.js';

initializeLogger({ pretty: false, level: 'fatal' });

// Real rtc-node participants in a room of the development server: a visitor publishing its
// microphone with or without livekit-client's pre-connect feature, and the agent's reader.

/** Far beyond the test's own timeout: only the microphone's features can end the wait. */
const START_TIMEOUT_MS = 600_000;
/** How long a test gives `frames` to settle before calling it still waiting. */
const SETTLE_WITHIN_MS = 20_000;

let server: DevServer;
let recording: Uint8Array[];
const rooms: Room[] = [];

beforeAll(async () => {
  [server, recording] = await Promise.all([
    startDevServer({ port: 0 }),
    recordToneInChromium(440, 1_000),
  ]);
}, 60_000);

afterEach(async () => {
  await Promise.all(rooms.splice(0).map((room) => room.disconnect()));
});

afterAll(async () => {
  await server?.close();
});

function tokenFor(identity: string, roomName: string, agent: boolean): Promise<string> {
  const token = new AccessToken('devkey', 'secret', { identity });
  if (agent) token.kind = 'agent';
  token.addGrant({ roomJoin: true, room: roomName, agent, canPublish: true, canSubscribe: true });
  return token.toJwt();
}

/** Joins `roomName`; pass a fresh `room` to set it up (handlers) before it connects. */
async function join(identity: string, roomName: string, agent = false, room = new Room()) {
  rooms.push(room);
  await room.connect(server.url, await tokenFor(identity, roomName, agent));
  return room;
}

/** Publishes a microphone track (no frames needed), as livekit-client does at the click. */
async function publishMicrophone(room: Room, preconnectBuffer: boolean): Promise<string> {
  const track = LocalAudioTrack.createAudioTrack('microphone', new AudioSource(48_000, 1));
  const publication = await room.localParticipant?.publishTrack(
    track,
    new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE, preconnectBuffer }),
  );
  if (!publication?.sid) throw new Error('the microphone was not published');
  return publication.sid;
}

/** The agent's reader, registered and connected the way the job does it. */
async function agentReader(roomName: string): Promise<{ room: Room; audio: PreConnectAudio }> {
  const audio = new PreConnectAudio({ startTimeoutMs: START_TIMEOUT_MS });
  const room = new Room();
  audio.register(room);
  await join('agent', roomName, true, room);
  audio.afterConnect(room);
  return { room, audio };
}

/** `frames` if it settles within SETTLE_WITHIN_MS, else 'still waiting'. */
async function settledFrames(audio: PreConnectAudio) {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<'still waiting'>((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), SETTLE_WITHIN_MS);
  });
  try {
    return await Promise.race([audio.frames, waiting]);
  } finally {
    clearTimeout(timer);
  }
}

/** The visitor's microphone as the agent's room sees it, once it does. */
function microphoneSeenBy(room: Room, identity: string): Promise<RemoteTrackPublication> {
  return waitFor(
    () =>
      [...(room.remoteParticipants.get(identity)?.trackPublications.values() ?? [])].find(
        (publication) => publication.source === TrackSource.SOURCE_MICROPHONE,
      ),
    { what: `the microphone of ${identity} at the agent` },
  );
}

describe('pre-connect audio: no wait for a microphone that records no buffer', () => {
  it("uses LiveKit's wire value of the feature", () => {
    expect(PRE_CONNECT_BUFFER_FEATURE).toBe(AudioTrackFeature.TF_PRECONNECT_BUFFER);
  });

  it('settles with no frames when the visitor was already publishing without the feature', async () => {
    const visitor = await join('visitor', 'published-before');
    await publishMicrophone(visitor, false);
    const { audio } = await agentReader('published-before');
    expect(await settledFrames(audio)).toEqual([]);
  });

  it('settles with no frames when the visitor publishes without the feature after the agent joined', async () => {
    const { room, audio } = await agentReader('published-after');
    const visitor = await join('visitor', 'published-after');
    await publishMicrophone(visitor, false);
    await microphoneSeenBy(room, 'visitor');
    expect(await settledFrames(audio)).toEqual([]);
  });

  it("with the feature it still waits (another agent's or a later visitor's microphone aside) and takes the buffer", async () => {
    const other = await join('other-agent', 'with-feature', true);
    await publishMicrophone(other, false);
    const visitor = await join('visitor', 'with-feature');
    const trackId = await publishMicrophone(visitor, true);
    const { room, audio } = await agentReader('with-feature');
    await microphoneSeenBy(room, 'other-agent');
    const microphone = await microphoneSeenBy(room, 'visitor');
    // The feature went from the publisher through the server to the agent.
    expect(microphone.info?.audioFeatures).toContain(PRE_CONNECT_BUFFER_FEATURE);

    // A second visitor without the feature does not end the wait for the first one's buffer.
    const latecomer = await join('latecomer', 'with-feature');
    await publishMicrophone(latecomer, false);
    await microphoneSeenBy(room, 'latecomer');

    // Only now, with every microphone known to the agent, does the buffer start.
    const writer = await visitor.localParticipant?.streamBytes({
      topic: PRE_CONNECT_AUDIO_TOPIC,
      name: 'preconnect-buffer',
      mimeType: 'audio/webm;codecs=opus',
      attributes: { trackId, sampleRate: '48000', channels: '1' },
      destinationIdentities: ['agent'],
    });
    for (const chunk of recording) await writer?.write(chunk);
    await writer?.close();

    const frames = await settledFrames(audio);
    assert(frames !== 'still waiting', 'the buffer was not taken');
    const samples = samplesOf(frames);
    expect(samples.length / SESSION_PCM_FORMAT.sampleRate).toBeGreaterThan(0.7);
    expect(toneFrequency(samples, SESSION_PCM_FORMAT.sampleRate)).toBeGreaterThan(420);
    expect(toneFrequency(samples, SESSION_PCM_FORMAT.sampleRate)).toBeLessThan(460);
  });
});
