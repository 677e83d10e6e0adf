import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenServiceConfigError } from '../errors/errors.js';
import { createTokenService } from '../service/service.js';
import { expectToken, TEST_CREDENTIALS, testService, tokenRequest } from '../testing/fixtures.js';
import { optionsFromEnv } from './config.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('optionsFromEnv', () => {
  it('reads every documented variable', () => {
    expect(
      optionsFromEnv({
        LIVEKIT_URL: 'wss://example.livekit.cloud',
        LIVEKIT_API_KEY: 'key',
        LIVEKIT_API_SECRET: 'secret',
        ALLOWED_ORIGINS: 'https://a.example, https://*.b.example',
        AGENT_NAME: 'sales,support',
        TOKEN_TTL: '300',
        RATE_LIMIT_PER_MINUTE: '10',
        TRUST_PROXY_HEADER: 'X-Forwarded-For',
        RESUME_TICKET_TTL: '120',
        PORT: '9000',
      }),
    ).toEqual({
      livekitUrl: 'wss://example.livekit.cloud',
      apiKey: 'key',
      apiSecret: 'secret',
      allowedOrigins: ['https://a.example', 'https://*.b.example'],
      agentNames: ['sales', 'support'],
      tokenTtlSeconds: 300,
      rateLimit: { perMinute: 10 },
      trustProxy: { header: 'X-Forwarded-For' },
      resumeTickets: { ttlSeconds: 120 },
    });
  });

  it('leaves unset and empty variables out, and 0 turns the rate limit or the tickets off', () => {
    expect(optionsFromEnv({ LIVEKIT_URL: '', AGENT_NAME: ' ' })).toEqual({});
    expect(optionsFromEnv({ RATE_LIMIT_PER_MINUTE: '0' })).toEqual({ rateLimit: false });
    expect(optionsFromEnv({ RESUME_TICKET_TTL: '0' })).toEqual({ resumeTickets: false });
  });

  it('refuses a number that is not one, naming the variable', () => {
    expect(() => optionsFromEnv({ TOKEN_TTL: '10m' })).toThrow(
      new TokenServiceConfigError('TOKEN_TTL must be a whole number, got "10m"'),
    );
  });
});

describe('createTokenService configuration', () => {
  it('takes unset options from the process environment', async () => {
    vi.stubEnv('LIVEKIT_URL', TEST_CREDENTIALS.livekitUrl);
    vi.stubEnv('LIVEKIT_API_KEY', TEST_CREDENTIALS.apiKey);
    vi.stubEnv('LIVEKIT_API_SECRET', TEST_CREDENTIALS.apiSecret);
    vi.stubEnv('TOKEN_TTL', '900');
    const claims = await expectToken(
      await createTokenService().request('/token', tokenRequest({})),
    );
    expect((claims.exp as number) - (claims.nbf as number)).toBe(900);
  });

  it('names the missing variable when a secret is not set', () => {
    vi.stubEnv('LIVEKIT_API_SECRET', '');
    expect(() =>
      createTokenService({ livekitUrl: TEST_CREDENTIALS.livekitUrl, apiKey: 'key' }),
    ).toThrow('LIVEKIT_API_SECRET is not set (option `apiSecret`)');
  });

  it('refuses out-of-range values and malformed origins', () => {
    expect(() => testService({ tokenTtlSeconds: 7200 })).toThrow(
      'tokenTtlSeconds (TOKEN_TTL) must be a whole number from 30 to 3600, got 7200',
    );
    expect(() => testService({ rateLimit: { perMinute: 0 } })).toThrow(TokenServiceConfigError);
    expect(() => testService({ livekitUrl: 'livekit.example' })).toThrow('LIVEKIT_URL');
    expect(() => testService({ allowedOrigins: ['https://shop.example/'] })).toThrow(
      '"https://shop.example/" is not an origin',
    );
  });
});
