import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createTokenService, VISITOR_ATTRIBUTE } from '@voice-agent/server';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoAccounts, SESSION_COOKIE } from './accounts.js';

// The example site's login and the token service on one origin, as `npm start` mounts them:
// one browser's cookie jar asks for a token per call, in sequence, as it signs in and out.

const CREDENTIALS = {
  livekitUrl: 'ws://127.0.0.1:7880',
  apiKey: 'accounts-test-key',
  apiSecret: 'accounts-test-secret-0123456789-abcdefgh',
};

let server: Server;
let origin: string;

beforeAll(async () => {
  const accounts = new DemoAccounts();
  const tokens = getRequestListener(
    createTokenService({ ...CREDENTIALS, authorize: accounts.authorize }).fetch,
  );
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    if (!accounts.handle(request, response, path)) void tokens(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** One browser: keeps the login cookie as `Set-Cookie` says (a `Max-Age=0` removes it). */
function browser() {
  let cookie: string | undefined;
  const send = async (path: string, body: unknown = {}) => {
    const response = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin,
        ...(cookie ? { cookie } : {}),
      },
      body: JSON.stringify(body),
    });
    const set = response.headers.get('set-cookie');
    if (set) cookie = /Max-Age=0/i.test(set) ? undefined : set.split(';')[0];
    return response;
  };
  return {
    signIn: async (customer: string) =>
      expect((await send('/account/login', { customer })).status).toBe(200),
    signOut: async () => expect((await send('/account/logout')).status).toBe(200),
    /** A call's token: the room, identity and verified visitor it carries. */
    async token() {
      const response = await send('/token');
      expect(response.status).toBe(200);
      const { participant_token } = (await response.json()) as { participant_token: string };
      const claims = await new TokenVerifier(CREDENTIALS.apiKey, CREDENTIALS.apiSecret).verify(
        participant_token,
        0,
      );
      const visitor = claims.attributes?.[VISITOR_ATTRIBUTE];
      return {
        room: claims.video?.room,
        identity: claims.sub,
        visitor: visitor === undefined ? null : (JSON.parse(visitor) as { id: string }).id,
      };
    },
  };
}

describe('a token per call, as the login stands at that moment', () => {
  it('follows sign-out and a change of customer between calls in one browser', async () => {
    const tab = browser();
    await tab.signIn('cust-1001');
    const first = await tab.token();
    await tab.signOut();
    const second = await tab.token();
    await tab.signIn('cust-2002');
    const third = await tab.token();
    expect([first.visitor, second.visitor, third.visitor]).toEqual([
      'cust-1001',
      null,
      'cust-2002',
    ]);
    // Nothing carries over: every call gets a room and an identity of its own.
    expect(new Set([first.room, second.room, third.room]).size).toBe(3);
    expect(new Set([first.identity, second.identity, third.identity]).size).toBe(3);
  });

  it('forgets the session on sign-out, even if the browser sends the old cookie again', async () => {
    const login = await fetch(`${origin}/account/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: 'cust-1001' }),
    });
    const stolen = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(stolen).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    await fetch(`${origin}/account/logout`, { method: 'POST', headers: { cookie: stolen } });
    const replayed = await fetch(`${origin}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, cookie: stolen },
      body: '{}',
    });
    const { participant_token } = (await replayed.json()) as { participant_token: string };
    const claims = await new TokenVerifier(CREDENTIALS.apiKey, CREDENTIALS.apiSecret).verify(
      participant_token,
      0,
    );
    expect(claims.attributes?.[VISITOR_ATTRIBUTE]).toBeUndefined();
  });
});
