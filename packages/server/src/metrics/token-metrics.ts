import type { MiddlewareHandler } from 'hono';
import { Counter, Registry } from 'prom-client';

/**
 * Prometheus counters for the token service (prom-client, so Node only: import it from
 * `@voice-agent/server/metrics`, never in an edge bundle). Mount `middleware` on `/token`
 * before the service's routes; serve `registry` on a port that is not public.
 */
export interface TokenMetrics {
  registry: Registry;
  /** `voice_agent_tokens_issued_total` */
  issued: Counter;
  /** `voice_agent_token_refusals_total{code}`, by the error code the service answered. */
  refused: Counter<'code'>;
  /** Counts each `POST /token` answer: 200 as issued, an error body by its `code`. */
  middleware: MiddlewareHandler;
}

export function createTokenMetrics(registry = new Registry()): TokenMetrics {
  const issued = new Counter({
    name: 'voice_agent_tokens_issued_total',
    help: 'Participant tokens the service issued.',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'voice_agent_token_refusals_total',
    help: 'Token requests refused, by the error code of the answer.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const middleware: MiddlewareHandler = async (c, next) => {
    await next();
    if (c.req.method !== 'POST') return;
    if (c.res.status === 200) {
      issued.inc();
      return;
    }
    // Error bodies are small JSON: { "error": { "code", "message" } }.
    const body = (await c.res
      .clone()
      .json()
      .catch(() => undefined)) as { error?: { code?: unknown } } | undefined;
    const code = typeof body?.error?.code === 'string' ? body.error.code : `http_${c.res.status}`;
    refused.inc({ code });
  };
  return { registry, issued, refused, middleware };
}
