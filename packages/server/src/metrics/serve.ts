import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createTokenMetrics } from './token-metrics.js';

/**
 * For the CLI: when `metricsPort` is set, counts `app`'s token answers and serves
 * `GET /metrics` on that port (not on the public one). Returns the app to serve publicly.
 */
export function serveTokenMetrics(
  app: Hono,
  metricsPort: string | undefined,
  hostname: string | undefined,
): Hono {
  const portText = metricsPort?.trim();
  if (!portText) return app;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    console.error(`voice-agent-server: METRICS_PORT must be a port number, got "${portText}"`);
    process.exit(1);
  }
  const metrics = createTokenMetrics();
  const counted = new Hono();
  counted.use('/token', metrics.middleware);
  counted.route('/', app);
  const scrape = new Hono();
  scrape.get('/metrics', async (c) =>
    c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  );
  const server = serve({ fetch: scrape.fetch, port, hostname }, (info) =>
    console.log(`voice-agent-server metrics on port ${info.port} (GET /metrics)`),
  );
  server.on('error', (error) => {
    console.error(`voice-agent-server: cannot listen on METRICS_PORT ${port}: ${error.message}`);
    process.exit(1);
  });
  return counted;
}
