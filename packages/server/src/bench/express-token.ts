import express, { type ErrorRequestHandler } from 'express';
import { parseOriginPatterns } from '../origins/origins.js';
import { MemoryRateLimitStore } from '../rate-limit/store.js';
import { parseTokenRequest } from '../request/request.js';
import { chooseAgent, planToken } from '../service/grant.js';
import { mintParticipantToken } from '../tokens/tokens.js';
import type { BenchConfig } from './config.js';

/**
 * The same `POST /token` written plainly in Express, for the benchmark only: the same origin
 * check, rate-limit store, validation and token signing, with Express's own JSON parser.
 */
export function createExpressTokenApp(config: BenchConfig): express.Express {
  const origins = parseOriginPatterns(config.allowedOrigins);
  const store = new MemoryRateLimitStore();
  const app = express();
  app.post('/token', (req, res, next) => {
    const origin = req.get('origin');
    if (!origin || !origins.matches(origin)) {
      res
        .status(403)
        .json({ error: { code: 'origin_not_allowed', message: 'origin not allowed' } });
      return;
    }
    res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
    const { count } = store.increment(req.ip ?? 'unknown', 60_000);
    if (count > config.perMinute) {
      res.status(429).json({ error: { code: 'rate_limited', message: 'too many requests' } });
      return;
    }
    next();
  });
  app.post('/token', express.json({ limit: config.maxBodyBytes }), async (req, res, next) => {
    try {
      const body = parseTokenRequest(req.body);
      const plan = planToken(body, { allow: true }, chooseAgent(config.agentNames, body));
      const token = await mintParticipantToken({
        ...plan,
        apiKey: config.apiKey,
        apiSecret: config.apiSecret,
        ttlSeconds: 600,
      });
      res.set('Cache-Control', 'no-store').json({
        server_url: config.livekitUrl,
        participant_token: token,
      });
    } catch (error) {
      next(error);
    }
  });
  const onError: ErrorRequestHandler = (_error, _req, res, _next) => {
    res.status(400).json({ error: { code: 'invalid_request', message: 'invalid request' } });
  };
  app.use(onError);
  return app;
}
