#!/usr/bin/env node
import { serve } from '@hono/node-server';
import { optionsFromEnv } from './config/config.js';
import { TokenServiceConfigError } from './errors/errors.js';
import { serveTokenMetrics } from './metrics/serve.js';
import { createTokenService } from './service/service.js';

const DEFAULT_PORT = 8787;

function fail(message: string): never {
  console.error(`voice-agent-server: ${message}`);
  process.exit(1);
}

function start(): void {
  const env = process.env;
  const missing = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'].filter(
    (name) => !env[name]?.trim(),
  );
  if (missing.length > 0) fail(`missing environment variable(s): ${missing.join(', ')}`);

  const portText = env.PORT?.trim() || String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535)
    fail(`PORT must be a port number, got "${portText}"`);
  const hostname = env.HOST?.trim() || undefined;

  let app: ReturnType<typeof createTokenService>;
  try {
    app = createTokenService(optionsFromEnv(env));
  } catch (error) {
    if (error instanceof TokenServiceConfigError) fail(error.message);
    throw error;
  }

  // METRICS_PORT: Prometheus counters on their own, non-public port.
  const withMetrics = serveTokenMetrics(app, env.METRICS_PORT, hostname);
  const server = serve({ fetch: withMetrics.fetch, port, hostname }, (info) => {
    const host = hostname && hostname !== '0.0.0.0' && hostname !== '::' ? hostname : 'localhost';
    console.log(`voice-agent-server listening on http://${host}:${info.port}`);
  });
  server.on('error', (error) => fail(`cannot listen on port ${port}: ${error.message}`));
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

start();
