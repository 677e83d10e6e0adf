import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { timeout } from 'hono/timeout';
import { resolveConfig } from '../config/config.js';
import type { TokenServiceOptions } from '../config/options.js';
import { errorResponse, RequestRefusal } from '../errors/errors.js';
import { clientIp } from '../rate-limit/client-ip.js';
import { rateLimit } from '../rate-limit/rate-limit.js';
import { limitBody, readJson } from '../request/body.js';
import { parseTokenRequest } from '../request/request.js';
import { mintParticipantToken } from '../tokens/tokens.js';
import { tokenCors } from './cors.js';
import { chooseAgent, planToken, toAllowDecision } from './grant.js';
import { originGuard } from './origin-guard.js';

/** The body of a successful `POST /token`: livekit-client's `TokenSourceResponse`. */
export interface TokenResponseBody {
  server_url: string;
  participant_token: string;
}

/**
 * Creates the token service: a Hono app with `POST /token` (livekit-client's
 * `TokenSource.endpoint` contract) and `GET /healthz`. Mount it with
 * `app.route('/voice', createTokenService())`, or serve its `fetch` on any runtime.
 * Options left unset are read from the environment (see {@link optionsFromEnv}), then defaults.
 * @throws {TokenServiceConfigError} when a secret is missing or an option is invalid.
 */
export function createTokenService(options?: TokenServiceOptions): Hono {
  const config = resolveConfig(options);
  const app = new Hono();
  const clientAddress = (c: Parameters<typeof clientIp>[0]) => clientIp(c, config.trustProxy);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.use('/token', originGuard(config), tokenCors(config.anyOrigin));
  app.post('/token', timeout(config.timeoutMs));
  if (config.rateLimit) {
    app.post('/token', rateLimit({ ...config.rateLimit, key: clientAddress }));
  }
  app.post('/token', limitBody(config.maxBodyBytes), async (c) => {
    const body = parseTokenRequest(await readJson(c));
    const agentName = chooseAgent(config.agentNames, body);
    const decision = await config.authorize?.({
      request: c.req.raw,
      body,
      origin: c.req.header('origin'),
      clientIp: clientAddress(c),
      context: c,
    });
    const plan = planToken(body, toAllowDecision(decision), agentName);
    const participantToken = await mintParticipantToken({
      ...plan,
      apiKey: config.apiKey,
      apiSecret: config.apiSecret,
      ttlSeconds: config.tokenTtlSeconds,
    });
    const response: TokenResponseBody = {
      server_url: config.livekitUrl,
      participant_token: participantToken,
    };
    return c.json(response, 200, { 'Cache-Control': 'no-store' });
  });
  app.all('/token', (c) =>
    errorResponse(c, 'method_not_allowed', 'use POST /token', { Allow: 'POST, OPTIONS' }),
  );

  app.notFound((c) => errorResponse(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof RequestRefusal) return errorResponse(c, error.code, error.message);
    config.onError(error);
    // Hono's timeout middleware rejects with a 504 HTTPException.
    if (error instanceof HTTPException && error.status === 504) {
      return errorResponse(c, 'timeout', `no answer within ${config.timeoutMs} ms, try again`);
    }
    return errorResponse(c, 'internal', 'internal error');
  });
  return app;
}
