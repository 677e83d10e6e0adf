import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { expectError, expectToken, testService, tokenRequest } from '../testing/fixtures.js';
import { createTokenMetrics } from './token-metrics.js';

describe('token service metrics', () => {
  it('counts issued tokens and refusals by their error code, as a scrape shows them', async () => {
    const metrics = createTokenMetrics();
    const app = new Hono();
    app.use('/token', metrics.middleware);
    app.route('/', testService());

    await expectToken(await app.request('/token', tokenRequest({})));
    await expectToken(await app.request('/token', tokenRequest({})));
    await expectError(
      await app.request('/token', tokenRequest({}, { origin: 'https://evil.example' })),
      403,
      'origin_not_allowed',
    );
    await expectError(await app.request('/token', tokenRequest('{')), 400, 'invalid_json');

    const scrape = await metrics.registry.metrics();
    expect(scrape).toContain('voice_agent_tokens_issued_total 2');
    expect(scrape).toContain('voice_agent_token_refusals_total{code="origin_not_allowed"} 1');
    expect(scrape).toContain('voice_agent_token_refusals_total{code="invalid_json"} 1');
  });
});
