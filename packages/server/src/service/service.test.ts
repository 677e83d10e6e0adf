import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  dispatchedAgent,
  expectError,
  expectToken,
  PAGE_ORIGIN,
  TEST_CREDENTIALS,
  testService,
  tokenRequest,
} from '../testing/fixtures.js';

describe('POST /token', () => {
  it('gives a fresh room and identity per session, with a 10-minute least-privilege token', async () => {
    const app = testService();
    const first = await app.request('/token', tokenRequest({}));
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    const a = await expectToken(first);
    const b = await expectToken(await app.request('/token', tokenRequest({})));
    expect(a.video?.room).toMatch(/^voice-/);
    expect(a.sub).toMatch(/^visitor-/);
    expect(b.video?.room).not.toBe(a.video?.room);
    expect(b.sub).not.toBe(a.sub);
    expect(a.video).toEqual({
      room: a.video?.room,
      roomJoin: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
    expect((a.exp as number) - (a.nbf as number)).toBe(600);
    expect(dispatchedAgent(a)).toBe('voice-agent');
  });

  it('signs with the configured lifetime', async () => {
    const claims = await expectToken(
      await testService({ tokenTtlSeconds: 120 }).request('/token', tokenRequest({})),
    );
    expect((claims.exp as number) - (claims.nbf as number)).toBe(120);
  });

  it('dispatches the agent the widget names when it is in the list, else the first', async () => {
    const app = testService({ agentNames: ['sales', 'support'] });
    const named = await expectToken(
      await app.request(
        '/token',
        tokenRequest({ room_config: { agents: [{ agent_name: 'support' }] } }),
      ),
    );
    expect(dispatchedAgent(named)).toBe('support');
    const unnamed = await expectToken(await app.request('/token', tokenRequest({})));
    expect(dispatchedAgent(unnamed)).toBe('sales');
  });

  it('ignores the name, metadata and attributes a client sends by itself', async () => {
    const claims = await expectToken(
      await testService().request(
        '/token',
        tokenRequest({
          participant_name: 'Admin',
          participant_metadata: '{"role":"admin"}',
          participant_attributes: { role: 'admin' },
          room_config: { agents: [{ agent_name: 'voice-agent', metadata: 'be evil' }] },
        }),
      ),
    );
    expect(claims.name).toBeUndefined();
    expect(claims.metadata).toBeUndefined();
    expect(claims.attributes).toBeUndefined();
    const roomConfig = JSON.parse(JSON.stringify(claims.roomConfig));
    expect(roomConfig.agents[0].metadata ?? '').toBe('');
  });
});

describe('the authorize hook', () => {
  it('checks the host session and picks the room, identity and profile', async () => {
    const sessions = new Map([['s3cr3t', { userId: 'u-42', name: 'Ada' }]]);
    const seen: unknown[] = [];
    const app = testService({
      authorize: ({ request, body, origin, clientIp }) => {
        seen.push({ origin, clientIp, room: body.room_name });
        const sessionId = /(?:^|;\s*)session=([^;]+)/.exec(
          request.headers.get('cookie') ?? '',
        )?.[1];
        const user = sessionId ? sessions.get(sessionId) : undefined;
        if (!user) return { allow: false, message: 'please sign in' };
        return {
          allow: true,
          roomName: body.room_name ?? `support-${user.userId}`,
          identity: user.userId,
          name: user.name,
          metadata: JSON.stringify({ plan: 'pro' }),
          attributes: { ...body.participant_attributes, userId: user.userId },
          agentMetadata: 'vip',
        };
      },
    });
    const signedIn = { headers: { Cookie: 'theme=dark; session=s3cr3t' } };
    const claims = await expectToken(
      await app.request(
        '/token',
        tokenRequest(
          {
            room_name: 'support-u-42',
            participant_identity: 'u-42',
            participant_attributes: { page: '/pricing' },
          },
          signedIn,
        ),
      ),
    );
    expect(claims.video?.room).toBe('support-u-42');
    expect(claims.sub).toBe('u-42');
    expect(claims.name).toBe('Ada');
    expect(claims.metadata).toBe('{"plan":"pro"}');
    expect(claims.attributes).toEqual({ page: '/pricing', userId: 'u-42' });
    expect(JSON.parse(JSON.stringify(claims.roomConfig)).agents[0].metadata).toBe('vip');
    expect(seen[0]).toEqual({ origin: PAGE_ORIGIN, clientIp: undefined, room: 'support-u-42' });

    const anonymous = await app.request('/token', tokenRequest({}));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: { code: 'unauthorized', message: 'please sign in' },
    });
  });

  it('may be async and may answer with a plain boolean', async () => {
    const allowing = testService({ authorize: async () => true });
    await expectToken(await allowing.request('/token', tokenRequest({})));
    const refusing = testService({ authorize: async () => false });
    const response = await refusing.request('/token', tokenRequest({}));
    expect(response.status).toBe(401);
  });

  it('turns a failing hook into a 500 without details and reports it to onError', async () => {
    const reported: unknown[] = [];
    const app = testService({
      authorize: () => {
        throw new Error(`database password is ${TEST_CREDENTIALS.apiSecret}`);
      },
      onError: (error) => reported.push(error),
    });
    const response = await app.request('/token', tokenRequest({}));
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(text).not.toContain(TEST_CREDENTIALS.apiSecret);
    expect(reported).toHaveLength(1);
  });

  it('answers 504 timeout when the hook does not answer in time, and reports it', async () => {
    const reported: unknown[] = [];
    const app = testService({
      authorize: () => new Promise<boolean>(() => {}),
      timeoutMs: 100,
      onError: (error) => reported.push(error),
    });
    await expectError(await app.request('/token', tokenRequest({})), 504, 'timeout');
    expect(reported).toHaveLength(1);
  });

  it('treats a malformed decision as a host bug (500)', async () => {
    const app = testService({
      // @ts-expect-error: a JavaScript host returning the wrong shape
      authorize: () => ({ allow: true, roomName: 42 }),
      onError: () => {},
    });
    expect((await app.request('/token', tokenRequest({}))).status).toBe(500);
  });
});

describe('routes', () => {
  it('answers GET /healthz', async () => {
    const response = await testService().request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('mounts under a prefix in a host Hono app', async () => {
    const host = new Hono();
    host.get('/', (c) => c.text('home'));
    host.route('/voice', testService());
    await expectToken(await host.request('/voice/token', tokenRequest({})));
    expect((await host.request('/voice/healthz')).status).toBe(200);
    expect(await (await host.request('/')).text()).toBe('home');
  });

  it('serves the same app as a bare fetch handler', async () => {
    const { fetch } = testService();
    await expectToken(await fetch(new Request('http://service.test/token', tokenRequest({}))));
  });
});
