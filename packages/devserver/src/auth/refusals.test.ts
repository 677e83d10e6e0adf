import {
  AudioSource,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type DevServer, startDevServer } from '../server/dev-server.js';
import { mintToken } from '../testing/tokens.js';

const REFUSED: [string, () => Promise<string>, string][] = [
  [
    'a bad signature',
    () => mintToken({ identity: 'x', keys: ['devkey', 'not-the-secret'] }),
    'invalid_signature',
  ],
  ['an expired token', () => mintToken({ identity: 'x', ttl: '-1m' }), 'token_expired'],
  [
    'an unknown API key',
    () => mintToken({ identity: 'x', keys: ['other', 'secret'] }),
    'unknown_api_key',
  ],
  [
    'a token without roomJoin',
    () => mintToken({ identity: 'x', grant: { roomJoin: false } }),
    'join_not_allowed',
  ],
  ['a token naming no room', () => mintToken({ identity: 'x', room: '' }), 'room_missing'],
  ['no token at all', async () => '', 'token_missing'],
];

/** Opens a signalling socket and reports the HTTP status the upgrade was answered with. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

describe('token and grant checks', () => {
  let server: DevServer;
  let http: string;

  beforeAll(async () => {
    server = await startDevServer({ port: 0 });
    http = server.url.replace('ws://', 'http://');
  });
  afterAll(() => server.close());

  it('validates a good token on /rtc/validate and /rtc/v1/validate, readable cross-origin', async () => {
    const token = await mintToken({ identity: 'visitor' });
    for (const path of ['/rtc/validate', '/rtc/v1/validate']) {
      const response = await fetch(`${http}${path}?access_token=${token}`, {
        headers: { origin: 'http://example.test' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it.each(REFUSED)('refuses %s with 401 and a stable code', async (_name, mint, code) => {
    const token = await mint();
    const response = await fetch(`${http}/rtc/v1/validate?access_token=${token}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.text()).toMatch(new RegExp(`^${code}: `));
    expect(await upgradeStatus(`${server.url}/rtc/v1?access_token=${token}`)).toBe(401);
    expect(await upgradeStatus(`${server.url}/rtc/v1`, { authorization: `Bearer ${token}` })).toBe(
      401,
    );
  });

  it('answers a malformed join request with 400 and an unknown path with 404', async () => {
    const token = await mintToken({ identity: 'x' });
    expect(
      await upgradeStatus(
        `${server.url}/rtc/v1?access_token=${token}&join_request=bm90LWEtcHJvdG8`,
      ),
    ).toBe(400);
    expect(await upgradeStatus(`${server.url}/elsewhere?access_token=${token}`)).toBe(404);
    expect(server.rooms()).toEqual([]);
  });

  it('refuses rtc-node a bad token and lets a good one in', async () => {
    const refused = new Room();
    await expect(
      refused.connect(server.url, await mintToken({ identity: 'x', ttl: '-1m' })),
    ).rejects.toThrow();
    const admitted = new Room();
    await admitted.connect(server.url, await mintToken({ identity: 'ok', room: 'gate' }));
    expect(server.rooms()).toEqual([{ name: 'gate', participants: ['ok'] }]);
    await admitted.disconnect();
  });

  it('refuses an agent worker whose token lacks the agent grant', async () => {
    const token = await mintToken({ identity: 'w' });
    expect(await upgradeStatus(`${server.url}/agent`, { authorization: `Bearer ${token}` })).toBe(
      401,
    );
  });

  it('refuses to publish for a token without canPublish, and the others see no track', async () => {
    const listener = new Room();
    const published: string[] = [];
    listener.on(RoomEvent.TrackPublished, (publication) => published.push(publication.sid ?? ''));
    await listener.connect(server.url, await mintToken({ identity: 'listener', room: 'quiet' }));
    const muted = new Room();
    await muted.connect(
      server.url,
      await mintToken({ identity: 'muted', room: 'quiet', grant: { canPublish: false } }),
    );
    const track = LocalAudioTrack.createAudioTrack('mic', new AudioSource(48_000, 1));
    const attempt = muted.localParticipant?.publishTrack(
      track,
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    await expect(attempt).rejects.toThrow();
    expect(published).toEqual([]);
    await muted.disconnect();
    await listener.disconnect();
  });
});
