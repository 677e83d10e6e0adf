import { describe, expect, it } from 'vitest';
import {
  expectError,
  expectToken,
  PAGE_ORIGIN,
  testService,
  tokenRequest,
} from '../testing/fixtures.js';

describe('origin allow-list', () => {
  it('allows loopback development origins by default, on any port', async () => {
    const app = testService();
    for (const origin of [
      'http://localhost:5173',
      'http://127.0.0.1:8080',
      'http://[::1]:3000',
      'http://localhost',
    ]) {
      await expectToken(await app.request('/token', tokenRequest({}, { origin })));
    }
  });

  it('refuses other origins with a 403 the page can read, before any other work', async () => {
    let asked = false;
    const app = testService({
      authorize: () => {
        asked = true;
        return true;
      },
    });
    const response = await app.request(
      '/token',
      tokenRequest({}, { origin: 'https://evil.example' }),
    );
    // Readable, so the widget can say "not allowed"; never with credentials.
    expect(response.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const message = await expectError(response, 403, 'origin_not_allowed');
    expect(message).toContain('https://evil.example');
    expect(asked).toBe(false);
  });

  it('refuses a request without an Origin header', async () => {
    await expectError(
      await testService().request('/token', tokenRequest({}, { origin: null })),
      403,
      'origin_not_allowed',
    );
  });

  it('allows the service’s own origin', async () => {
    const app = testService({ allowedOrigins: ['https://shop.example'] });
    const response = await app.request(
      'https://voice.example/token',
      tokenRequest({}, { origin: 'https://voice.example' }),
    );
    await expectToken(response);
  });

  it('matches exact origins and subdomain wildcards from the configured list', async () => {
    const app = testService({ allowedOrigins: ['https://shop.example', 'https://*.shop.example'] });
    const status = async (origin: string) =>
      (await app.request('/token', tokenRequest({}, { origin }))).status;
    expect(await status('https://shop.example')).toBe(200);
    expect(await status('https://eu.shop.example')).toBe(200);
    expect(await status('http://shop.example')).toBe(403);
    expect(await status('https://shop.example.evil')).toBe(403);
    expect(await status('https://evilshop.example')).toBe(403);
    expect(await status('http://localhost:5173')).toBe(403);
  });

  it('answers the CORS preflight for allowed origins, with credentials', async () => {
    const response = await testService().request('/token', {
      method: 'OPTIONS',
      headers: {
        Origin: PAGE_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('lets the preflight of other origins through without credentials, so the refusal is readable', async () => {
    const response = await testService().request('/token', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('allows any origin only when `*` is listed, and then without credentials', async () => {
    const app = testService({ allowedOrigins: ['*'] });
    const response = await app.request(
      '/token',
      tokenRequest({}, { origin: 'https://any.example' }),
    );
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    await expectToken(response);
  });
});

describe('room, identity and agent', () => {
  it('refuses a client-chosen room unless the hook picked that room', async () => {
    await expectError(
      await testService().request('/token', tokenRequest({ room_name: 'someone-elses-room' })),
      403,
      'room_not_allowed',
    );
    const hooked = testService({ authorize: () => ({ allow: true, roomName: 'lobby' }) });
    await expectError(
      await hooked.request('/token', tokenRequest({ room_name: 'board-room' })),
      403,
      'room_not_allowed',
    );
    const claims = await expectToken(
      await hooked.request('/token', tokenRequest({ room_name: 'lobby' })),
    );
    expect(claims.video?.room).toBe('lobby');
  });

  it('refuses a client-chosen identity unless the hook picked it', async () => {
    await expectError(
      await testService().request('/token', tokenRequest({ participant_identity: 'agent-1' })),
      403,
      'identity_not_allowed',
    );
  });

  it('refuses an agent that is not in the list', async () => {
    const response = await testService({ agentNames: ['sales'] }).request(
      '/token',
      tokenRequest({ room_config: { agents: [{ agent_name: 'admin-agent' }] } }),
    );
    expect(await expectError(response, 403, 'agent_not_allowed')).toContain('admin-agent');
  });
});

describe('request body', () => {
  it('refuses a body over the limit with 413, with or without Content-Length', async () => {
    const app = testService({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ participant_metadata: 'x'.repeat(2000) });
    await expectError(await app.request('/token', tokenRequest(big)), 413, 'body_too_large');
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(500)));
        controller.close();
      },
    });
    const streamed = new Request('http://service.test/token', {
      ...tokenRequest(''),
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    await expectError(await app.request(streamed), 413, 'body_too_large');
  });

  it('refuses malformed JSON with 400 invalid_json', async () => {
    await expectError(
      await testService().request('/token', tokenRequest('{"room_name": ')),
      400,
      'invalid_json',
    );
  });

  it('refuses wrong types with 400 invalid_request naming the field', async () => {
    const app = testService();
    const cases: [unknown, string][] = [
      [[], 'the body must be a JSON object'],
      [null, 'the body must be a JSON object'],
      [{ room_name: 7 }, 'room_name must be a string'],
      [{ participant_name: { first: 'a' } }, 'participant_name must be a string'],
      [{ participant_attributes: ['a'] }, 'participant_attributes must be an object of strings'],
      [{ participant_attributes: { tier: 1 } }, 'participant_attributes.tier must be a string'],
      [{ room_config: 'x' }, 'room_config must be an object'],
      [{ room_config: { agents: {} } }, 'room_config.agents must be an array'],
      [
        { room_config: { agents: [{ agent_name: 5 }] } },
        'room_config.agents[0].agent_name must be a string',
      ],
      [{ room_config: { agents: [{}, {}] } }, 'room_config.agents may name one agent at most'],
    ];
    for (const [body, message] of cases) {
      const response = await app.request('/token', tokenRequest(body));
      expect(await expectError(response, 400, 'invalid_request')).toBe(message);
    }
  });

  it('refuses a body that is not sent as JSON with 415', async () => {
    const response = await testService().request('/token', {
      ...tokenRequest('{}'),
      headers: { Origin: PAGE_ORIGIN, 'Content-Type': 'text/plain' },
    });
    await expectError(response, 415, 'unsupported_media_type');
  });
});

describe('routing errors', () => {
  it('answers 405 for other methods on /token and 404 elsewhere, in the error shape', async () => {
    const app = testService();
    const get = await app.request('/token', { headers: { Origin: PAGE_ORIGIN } });
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    await expectError(get, 405, 'method_not_allowed');
    await expectError(await app.request('/admin'), 404, 'not_found');
  });
});
