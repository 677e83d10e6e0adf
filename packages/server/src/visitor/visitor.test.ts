import { describe, expect, it } from 'vitest';
import {
  expectError,
  expectToken,
  PAGE_ORIGIN,
  testService,
  tokenRequest,
} from '../testing/fixtures.js';
import { VISITOR_ATTRIBUTE, type Visitor } from './visitor.js';

const GRACE: Visitor = {
  id: 'cust-1001',
  name: 'Grace Hopper',
  claims: { plan: 'gold', locale: 'en-GB', orders: 2, verified: true },
};

describe('the verified visitor', () => {
  it('goes into the token as the reserved attribute, and names the participant', async () => {
    const app = testService({ authorize: () => ({ allow: true, visitor: GRACE }) });
    const claims = await expectToken(await app.request('/token', tokenRequest({})));
    expect(JSON.parse(claims.attributes?.[VISITOR_ATTRIBUTE] ?? '')).toEqual(GRACE);
    expect(claims.name).toBe('Grace Hopper');
    // The visitor cannot rewrite what the server signed.
    expect(claims.video?.canUpdateOwnMetadata).toBe(false);
  });

  it('keeps only id, name and claims, and lets the hook name the participant otherwise', async () => {
    const app = testService({
      authorize: () => ({
        allow: true,
        name: 'G.',
        visitor: { id: 'cust-1', role: 'admin' } as Visitor,
      }),
    });
    const claims = await expectToken(await app.request('/token', tokenRequest({})));
    expect(JSON.parse(claims.attributes?.[VISITOR_ATTRIBUTE] ?? '')).toEqual({ id: 'cust-1' });
    expect(claims.name).toBe('G.');
  });

  it('cannot be named by the page, even through a hook that copies its attributes', async () => {
    const forged = JSON.stringify({ id: 'cust-9999', name: 'Someone Else' });
    const copying = (visitor?: Visitor) =>
      testService({
        authorize: ({ body }) => ({
          allow: true,
          attributes: { ...body.participant_attributes },
          ...(visitor ? { visitor } : {}),
        }),
      });
    const body = { participant_attributes: { [VISITOR_ATTRIBUTE]: forged, page: '/orders' } };
    const anonymous = await expectToken(await copying().request('/token', tokenRequest(body)));
    expect(anonymous.attributes).toEqual({ page: '/orders' });
    const signedIn = await expectToken(await copying(GRACE).request('/token', tokenRequest(body)));
    expect(JSON.parse(signedIn.attributes?.[VISITOR_ATTRIBUTE] ?? '').id).toBe('cust-1001');
  });

  it.each([
    [{ name: 'no id' }],
    [{ id: '' }],
    [{ id: 'x'.repeat(257) }],
    [{ id: 'a', claims: { 'not a name': 'x' } }],
    [{ id: 'a', claims: { nested: { deep: true } } }],
    [{ id: 'a', claims: { long: 'x'.repeat(513) } }],
    [{ id: 'a', claims: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`c${i}`, i])) }],
  ])('answers 500 for a malformed visitor from the hook (%j), and reports it', async (visitor) => {
    const errors: unknown[] = [];
    const app = testService({
      authorize: () => ({ allow: true, visitor: visitor as unknown as Visitor }),
      onError: (error) => errors.push(error),
    });
    await expectError(await app.request('/token', tokenRequest({})), 500, 'internal');
    expect(String(errors[0])).toMatch(/visitor/);
  });
});

describe('credentialed token requests', () => {
  it('receive the session cookie and answer with credentials for an allowed origin only', async () => {
    const cookies: (string | null)[] = [];
    const app = testService({
      allowedOrigins: [PAGE_ORIGIN],
      authorize: ({ request }) => {
        cookies.push(request.headers.get('cookie'));
        return { allow: true, visitor: GRACE };
      },
    });
    const preflight = await app.request('/token', {
      method: 'OPTIONS',
      headers: {
        Origin: PAGE_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-csrf-token',
      },
    });
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,x-csrf-token');
    expect(preflight.headers.get('vary')).toContain('Origin');
    const response = await app.request(
      '/token',
      tokenRequest({}, { headers: { Cookie: 'session=abc', 'X-CSRF-Token': 't' } }),
    );
    expect(response.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('vary')).toContain('Origin');
    await expectToken(response);
    expect(cookies).toEqual(['session=abc']);

    const refused = await app.request(
      '/token',
      tokenRequest({}, { origin: 'https://evil.example', headers: { Cookie: 'session=abc' } }),
    );
    expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
    await expectError(refused, 403, 'origin_not_allowed');
    expect(cookies).toHaveLength(1);
  });

  it('keeps a refused page’s preflight readable when it sends its own headers', async () => {
    const preflight = await testService().request('/token', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-csrf-token',
      },
    });
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,x-csrf-token');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
