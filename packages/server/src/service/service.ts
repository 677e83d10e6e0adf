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
import { ResumeTickets } from '../resume/ticket.js';
import { mintParticipantToken } from '../tokens/tokens.js';
import { tokenCors } from './cors.js';
import { originGuard } from './origin-guard.js';
import { planRequest } from './plan.js';

/** A resume ticket as the service answers it. */
export interface ResumeTicketFields {
  /** Rejoins the same room as the same participant, once, from the same origin. */
  resume_ticket: string;
  /** Seconds until the ticket stops being accepted. */
  resume_ticket_ttl_seconds: number;
}

/**
 * The body of a successful `POST /token`: livekit-client's `TokenSourceResponse`, plus a resume
 * ticket when tickets are on and the request came from a browser (it has an `Origin`).
 */
export type TokenResponseBody = {
  server_url: string;
  participant_token: string;
} & Partial<ResumeTicketFields>;

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
  const tickets =
    config.resumeTickets &&
    new ResumeTickets(
      config.apiSecret,
      config.resumeTickets.ttlSeconds,
      config.resumeTickets.store,
    );
  const ticketFields = async (plan: Parameters<ResumeTickets['issue']>[0], origin?: string) => {
    if (!tickets || origin === undefined) return {};
    const { ticket } = await tickets.issue(plan, origin);
    return { resume_ticket: ticket, resume_ticket_ttl_seconds: tickets.ttlSeconds };
  };

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  const paths = tickets ? ['/token', '/ticket'] : ['/token'];
  for (const path of paths) {
    app.use(path, originGuard(config), tokenCors(config.anyOrigin));
    app.post(path, timeout(config.timeoutMs));
    if (config.rateLimit) {
      app.post(path, rateLimit({ ...config.rateLimit, key: clientAddress }));
    }
    app.post(path, limitBody(config.maxBodyBytes));
  }
  app.post('/token', async (c) => {
    const body = parseTokenRequest(await readJson(c));
    const plan = await planRequest(c, body, config, tickets);
    const participantToken = await mintParticipantToken({
      ...plan,
      apiKey: config.apiKey,
      apiSecret: config.apiSecret,
      ttlSeconds: config.tokenTtlSeconds,
    });
    const response: TokenResponseBody = {
      server_url: config.livekitUrl,
      participant_token: participantToken,
      ...(await ticketFields(plan, c.req.header('origin'))),
    };
    return c.json(response, 200, { 'Cache-Control': 'no-store' });
  });
  if (tickets) {
    // Swaps a ticket for a fresh one, so a long call keeps one that expires soon after the page left.
    app.post('/ticket', async (c) => {
      const { resume_ticket } = parseTokenRequest(await readJson(c));
      if (resume_ticket === undefined) {
        throw new RequestRefusal('invalid_request', 'resume_ticket is required');
      }
      const origin = c.req.header('origin');
      const plan = await tickets.redeem(resume_ticket, origin);
      return c.json(await ticketFields(plan, origin), 200, { 'Cache-Control': 'no-store' });
    });
  }
  for (const path of paths) {
    app.all(path, (c) =>
      errorResponse(c, 'method_not_allowed', `use POST ${path}`, { Allow: 'POST, OPTIONS' }),
    );
  }

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
