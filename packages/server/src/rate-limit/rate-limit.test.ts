import { describe, expect, it } from 'vitest';
import { expectError, expectToken, testService, tokenRequest } from '../testing/fixtures.js';
import type { RateLimitStore } from './store.js';
import { MemoryRateLimitStore } from './store.js';

/** What @hono/node-server hands to `app.fetch` for a connection from `address`. */
const fromAddress = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

describe('rate limit', () => {
  it('allows 30 tokens a minute per client by default, then 429 with Retry-After', async () => {
    const app = testService();
    const client = fromAddress('203.0.113.7');
    for (let i = 0; i < 30; i++) {
      expect((await app.request('/token', tokenRequest({}), client)).status).toBe(200);
    }
    const refused = await app.request('/token', tokenRequest({}), client);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(refused.headers.get('access-control-expose-headers')).toBe('Retry-After');
    await expectError(refused, 429, 'rate_limited');
    await expectToken(await app.request('/token', tokenRequest({}), fromAddress('203.0.113.8')));
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4', async () => {
    const app = testService({ rateLimit: { perMinute: 1 } });
    await expectToken(
      await app.request('/token', tokenRequest({}), fromAddress('2001:db8:1:2::1')),
    );
    const sameNetwork = await app.request(
      '/token',
      tokenRequest({}),
      fromAddress('2001:db8:1:2:aa::9'),
    );
    await expectError(sameNetwork, 429, 'rate_limited');
    await expectToken(
      await app.request('/token', tokenRequest({}), fromAddress('::ffff:192.0.2.1')),
    );
    const sameV4 = await app.request('/token', tokenRequest({}), fromAddress('192.0.2.1'));
    await expectError(sameV4, 429, 'rate_limited');
  });

  it('ignores X-Forwarded-For unless trustProxy names it', async () => {
    const untrusting = testService({ rateLimit: { perMinute: 1 } });
    const spoofed = (ip: string) => tokenRequest({}, { headers: { 'X-Forwarded-For': ip } });
    const proxy = fromAddress('10.0.0.1');
    await expectToken(await untrusting.request('/token', spoofed('198.51.100.1'), proxy));
    await expectError(
      await untrusting.request('/token', spoofed('198.51.100.2'), proxy),
      429,
      'rate_limited',
    );

    const trusting = testService({
      rateLimit: { perMinute: 1 },
      trustProxy: { header: 'x-forwarded-for' },
    });
    // The proxy appends the address it saw; what the client wrote before it is not trusted.
    await expectToken(await trusting.request('/token', spoofed('1.1.1.1, 198.51.100.1'), proxy));
    await expectToken(await trusting.request('/token', spoofed('1.1.1.1, 198.51.100.2'), proxy));
    await expectError(
      await trusting.request('/token', spoofed('9.9.9.9, 198.51.100.1'), proxy),
      429,
      'rate_limited',
    );
  });

  it('uses the store it is given, so a cluster can share counts', async () => {
    const keys: string[] = [];
    const shared = new MemoryRateLimitStore();
    const store: RateLimitStore = {
      increment: async (key, windowMs) => {
        keys.push(key);
        return shared.increment(key, windowMs);
      },
    };
    const instanceA = testService({ rateLimit: { perMinute: 2, store } });
    const instanceB = testService({ rateLimit: { perMinute: 2, store } });
    const client = fromAddress('203.0.113.9');
    await expectToken(await instanceA.request('/token', tokenRequest({}), client));
    await expectToken(await instanceB.request('/token', tokenRequest({}), client));
    await expectError(
      await instanceA.request('/token', tokenRequest({}), client),
      429,
      'rate_limited',
    );
    expect(keys).toEqual(['203.0.113.9', '203.0.113.9', '203.0.113.9']);
  });

  it('can be turned off', async () => {
    const app = testService({ rateLimit: false });
    for (let i = 0; i < 40; i++) {
      expect((await app.request('/token', tokenRequest({}))).status).toBe(200);
    }
  });
});

describe('MemoryRateLimitStore', () => {
  it('opens a new window after the old one ends and sweeps expired keys', () => {
    let now = 1_000;
    const store = new MemoryRateLimitStore(() => now);
    expect(store.increment('a', 60_000)).toEqual({ count: 1, resetAt: 61_000 });
    expect(store.increment('a', 60_000)).toEqual({ count: 2, resetAt: 61_000 });
    store.increment('b', 60_000);
    expect(store.size).toBe(2);
    now = 61_000;
    expect(store.increment('a', 60_000)).toEqual({ count: 1, resetAt: 121_000 });
    expect(store.size).toBe(1);
  });
});
