import { Room as NodeRoom, type RemoteTrack, RoomEvent } from '@livekit/rtc-node';
import {
  firstRemoteAudio,
  type LaunchedBrowser,
  launchChromium,
  makeSpeechWav,
  measureLevel,
  publishTone,
  waitFor,
} from '@voice-agent/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTestPage, type TestPageServer } from '../testing/page.js';
import { mintToken } from '../testing/tokens.js';
import { type DevServer, startDevServer } from './dev-server.js';

type Page = Awaited<ReturnType<LaunchedBrowser['context']['newPage']>>;

/** What the page records; see testing/page.ts. */
interface Seen {
  type: 'data' | 'left' | 'attributes' | 'text' | 'subscribed' | 'reconnected';
  to?: string;
  from?: string;
  topic?: string;
  text?: string;
  identity?: string;
  attributes?: Record<string, string>;
}

interface PageGlobals {
  levels: Record<string, number>;
  seen: Seen[];
  ready?: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: livekit-client's Room, typed in the page only
  room: any;
  // biome-ignore lint/suspicious/noExplicitAny: livekit-client's Room, typed in the page only
  rooms: Record<string, any>;
  join(
    url: string,
    token: string,
    options?: { publish?: boolean; singlePeerConnection?: boolean },
  ): Promise<void>;
}

/**
 * RMS (0..1) that counts as hearing the other side: silence measures below 0.001; the
 * speech and the tone arrive at 0.1 to 0.35 depending on Chromium's capture processing.
 */
const HEARD = 0.03;

describe('livekit-client in Chromium and rtc-node in one room', () => {
  let server: DevServer;
  let pageServer: TestPageServer;
  let browser: LaunchedBrowser;
  let page: Page;
  const node = new NodeRoom();
  const bystander = new NodeRoom();
  let stopTone: (() => void) | undefined;

  const seenInPage = (match: (seen: Seen) => boolean) =>
    waitFor(
      async () =>
        (await page.evaluate(() => (globalThis as unknown as PageGlobals).seen)).find(match),
      { timeoutMs: 15_000, what: 'the page to observe it' },
    );

  beforeAll(async () => {
    server = await startDevServer({ port: 0 });
    pageServer = await serveTestPage();
    browser = await launchChromium({
      // The fake microphone speaks (espeak-ng), in a loop.
      fakeAudioCapture: await makeSpeechWav(
        'Hello, this is the browser speaking to the development server. One two three four.',
      ),
    });
    page = await browser.context.newPage();
    await page.goto(pageServer.url);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).ready);
    await page.evaluate(
      ({ url, token }) => (globalThis as unknown as PageGlobals).join(url, token),
      {
        url: server.url,
        token: await mintToken({ identity: 'visitor' }),
      },
    );
  });

  afterAll(async () => {
    stopTone?.();
    await node.disconnect().catch(() => undefined);
    await bystander.disconnect().catch(() => undefined);
    await browser?.close();
    await pageServer?.close();
    await server?.close();
  });

  it('each side hears the other (audio level measured on both ends)', async () => {
    const heard = firstRemoteAudio(node);
    const nodeTrackSubscribed = new Promise<string>((resolve) =>
      node.on(RoomEvent.LocalTrackSubscribed, (track) => resolve(track.sid ?? '')),
    );
    await node.connect(server.url, await mintToken({ identity: 'node' }));
    stopTone = await publishTone(node, 880);
    const level = measureLevel(await heard);
    await waitFor(() => (level.peak() > HEARD ? true : undefined), {
      timeoutMs: 20_000,
      what: 'rtc-node to hear the browser',
    });
    level.stop();
    const browserLevel = await waitFor(
      async () => {
        const value = await page.evaluate(
          () => (globalThis as unknown as PageGlobals).levels['visitor<-node'],
        );
        return value !== undefined && value > HEARD ? value : undefined;
      },
      { timeoutMs: 20_000, what: 'the browser to hear rtc-node' },
    );
    expect(level.peak()).toBeGreaterThan(HEARD);
    expect(browserLevel).toBeGreaterThan(HEARD);
    // The publisher is told its track gained a subscriber (agents wait for it to speak).
    const micSid = await page.evaluate(
      () =>
        [
          ...(
            globalThis as unknown as PageGlobals
          ).room.localParticipant.trackPublications.values(),
        ][0].trackSid as string,
    );
    expect(await seenInPage((s) => s.type === 'subscribed')).toMatchObject({
      to: 'visitor',
      text: micSid,
    });
    expect(await nodeTrackSubscribed).toMatch(/^TR_/);
  });

  it('relays data packets both ways, stamped with the sender and honouring destinations', async () => {
    const bystanderGot: string[] = [];
    bystander.on(RoomEvent.DataReceived, (payload) =>
      bystanderGot.push(new TextDecoder().decode(payload)),
    );
    await bystander.connect(server.url, await mintToken({ identity: 'bystander' }));
    const nodeGot: { text: string; from?: string; topic?: string }[] = [];
    node.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) =>
      nodeGot.push({ text: new TextDecoder().decode(payload), from: participant?.identity, topic }),
    );
    await page.evaluate(async () => {
      const { room } = globalThis as unknown as PageGlobals;
      const encode = (text: string) => new TextEncoder().encode(text);
      await room.localParticipant.publishData(encode('to everyone'), {
        reliable: true,
        topic: 't',
      });
      await room.localParticipant.publishData(encode('only node'), {
        reliable: true,
        destinationIdentities: ['node'],
      });
      await room.localParticipant.publishData(encode('lossy'), { reliable: false });
    });
    await waitFor(() => (nodeGot.length >= 3 ? true : undefined), {
      what: 'three packets at node',
    });
    expect(nodeGot).toEqual([
      { text: 'to everyone', from: 'visitor', topic: 't' },
      { text: 'only node', from: 'visitor', topic: undefined },
      { text: 'lossy', from: 'visitor', topic: undefined },
    ]);
    await node.localParticipant?.publishData(new TextEncoder().encode('hello page'), {
      reliable: true,
      topic: 'greeting',
    });
    const atPage = await seenInPage((s) => s.type === 'data' && s.text === 'hello page');
    expect(atPage).toMatchObject({ from: 'node', topic: 'greeting' });
    await waitFor(() => (bystanderGot.includes('hello page') ? true : undefined), {
      what: 'the broadcast at the bystander',
    });
    expect(bystanderGot).toContain('to everyone');
    expect(bystanderGot).not.toContain('only node');
  });

  it('round-trips RPC both ways', async () => {
    node.localParticipant?.registerRpcMethod('add', async (data) => {
      const { a, b } = JSON.parse(data.payload) as { a: number; b: number };
      return JSON.stringify({ sum: a + b, caller: data.callerIdentity });
    });
    const fromNode = await node.localParticipant?.performRpc({
      destinationIdentity: 'visitor',
      method: 'shout',
      payload: 'hello',
    });
    expect(fromNode).toBe('node:HELLO');
    const fromPage = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).room.localParticipant.performRpc({
        destinationIdentity: 'node',
        method: 'add',
        payload: JSON.stringify({ a: 2, b: 3 }),
      }),
    );
    expect(JSON.parse(fromPage)).toEqual({ sum: 5, caller: 'visitor' });
  });

  it('relays text streams (chat to the agent, transcriptions to the page)', async () => {
    const chat = new Promise<{ text: string; from: string }>((resolve) =>
      node.registerTextStreamHandler('lk.chat', async (reader, info) =>
        resolve({ text: await reader.readAll(), from: info.identity }),
      ),
    );
    await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).room.localParticipant.sendText('what time is it?', {
        topic: 'lk.chat',
      }),
    );
    expect(await chat).toEqual({ text: 'what time is it?', from: 'visitor' });
    await node.localParticipant?.sendText('It is noon.', { topic: 'lk.transcription' });
    const caption = await seenInPage((s) => s.type === 'text');
    expect(caption).toMatchObject({ from: 'node', text: 'It is noon.' });
  });

  it('serves a client on the older two-connection path (/rtc): audio both ways and data', async () => {
    const heardLegacy = new Promise<RemoteTrack>((resolve) =>
      node.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
        if (participant.identity === 'legacy') resolve(track);
      }),
    );
    await page.evaluate(
      ({ url, token }) =>
        (globalThis as unknown as PageGlobals).join(url, token, { singlePeerConnection: false }),
      { url: server.url, token: await mintToken({ identity: 'legacy' }) },
    );
    const level = measureLevel(await heardLegacy);
    await waitFor(() => (level.peak() > HEARD ? true : undefined), {
      timeoutMs: 20_000,
      what: 'rtc-node to hear the /rtc client',
    });
    level.stop();
    const legacyHears = await waitFor(
      async () => {
        const value = await page.evaluate(
          () => (globalThis as unknown as PageGlobals).levels['legacy<-node'],
        );
        return value !== undefined && value > HEARD ? value : undefined;
      },
      { timeoutMs: 20_000, what: 'the /rtc client to hear rtc-node' },
    );
    expect(legacyHears).toBeGreaterThan(HEARD);
    await node.localParticipant?.publishData(new TextEncoder().encode('hello legacy'), {
      reliable: true,
      destination_identities: ['legacy'],
    });
    expect(await seenInPage((s) => s.type === 'data' && s.text === 'hello legacy')).toMatchObject({
      to: 'legacy',
      from: 'node',
    });
    await page.evaluate(() => (globalThis as unknown as PageGlobals).rooms.legacy.disconnect());
  });

  it('propagates attributes set by a participant itself, both ways', async () => {
    await node.localParticipant?.setAttributes({ 'lk.agent.state': 'listening' });
    const atPage = await seenInPage(
      (s) => s.type === 'attributes' && s.attributes?.['lk.agent.state'] === 'listening',
    );
    expect(atPage.identity).toBe('node');
    const changed = new Promise<Record<string, string>>((resolve) =>
      node.on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => {
        if (participant.identity === 'visitor') resolve(participant.attributes);
      }),
    );
    await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).room.localParticipant.setAttributes({ mood: 'happy' }),
    );
    expect(await changed).toMatchObject({ mood: 'happy' });
  });

  it('resumes a client whose signalling dropped (same participant), and the call goes on', async () => {
    const before = node.remoteParticipants.get('visitor')?.sid;
    const track = [...(node.remoteParticipants.get('visitor')?.trackPublications.values() ?? [])]
      .map((publication) => publication.track)
      .find((t): t is RemoteTrack => t !== undefined);
    if (!track) throw new Error('rtc-node does not receive the browser');
    await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).room.simulateScenario('signal-reconnect'),
    );
    expect(await seenInPage((s) => s.type === 'reconnected')).toMatchObject({ to: 'visitor' });
    // A resume, not a rejoin: the participant and its track are the same ones.
    expect(node.remoteParticipants.get('visitor')?.sid).toBe(before);
    const level = measureLevel(track);
    await waitFor(() => (level.peak() > HEARD ? true : undefined), {
      timeoutMs: 20_000,
      what: 'rtc-node to hear the resumed browser',
    });
    level.stop();
    // And the other way: the resumed browser restarted ICE, and the server sends on the new
    // path (werift used to keep receiving while sending nothing).
    await node.localParticipant?.publishData(new TextEncoder().encode('after the resume'), {
      reliable: true,
    });
    expect(
      await seenInPage((s) => s.type === 'data' && s.text === 'after the resume'),
    ).toMatchObject({ from: 'node' });
  });

  it('tells the others when a track is muted and when it is unpublished', async () => {
    const muted = new Promise<string>((resolve) =>
      node.on(RoomEvent.TrackMuted, (publication, participant) => {
        if (participant.identity === 'visitor') resolve(publication.sid ?? '');
      }),
    );
    const micSid = await page.evaluate(async () => {
      const { room } = globalThis as unknown as PageGlobals;
      const publication = [...room.localParticipant.trackPublications.values()][0];
      await publication.mute();
      return publication.trackSid as string;
    });
    expect(await muted).toBe(micSid);
    const unpublished = new Promise<string>((resolve) =>
      node.on(RoomEvent.TrackUnpublished, (publication, participant) => {
        if (participant.identity === 'visitor') resolve(publication.sid ?? '');
      }),
    );
    await page.evaluate(async () => {
      const { room } = globalThis as unknown as PageGlobals;
      const publication = [...room.localParticipant.trackPublications.values()][0];
      await room.localParticipant.unpublishTrack(publication.track);
    });
    expect(await unpublished).toBe(micSid);
  });

  it('refuses livekit-client an expired token as NotAllowed (validate answers 401)', async () => {
    const expired = await mintToken({ identity: 'late', ttl: '-1m' });
    const outcome = await page.evaluate(
      async ({ url, token }) => {
        const lk = (globalThis as unknown as { LK: { Room: new () => PageGlobals['room'] } }).LK;
        try {
          await new lk.Room().connect(url, token);
          return 'connected';
        } catch (error) {
          const { reason, status } = error as { reason: number; status?: number };
          return { reason, status };
        }
      },
      { url: server.url, token: expired },
    );
    // ConnectionErrorReason.NotAllowed is 0 in livekit-client 2.23.
    expect(outcome).toEqual({ reason: 0, status: 401 });
  });

  it('shows a participant leaving to the others', async () => {
    const left = new Promise<string>((resolve) =>
      node.on(RoomEvent.ParticipantDisconnected, (participant) => resolve(participant.identity)),
    );
    await bystander.disconnect();
    expect(await left).toBe('bystander');
    expect(await seenInPage((s) => s.type === 'left' && s.identity === 'bystander')).toBeTruthy();
    expect(server.rooms().map((room) => [room.name, room.participants.sort()])).toEqual([
      ['test-room', ['node', 'visitor']],
    ]);
  });
});
