#!/usr/bin/env node
import { serve } from '@hono/node-server';
import { missingLiveKitVariables, parsePort } from '@voice-agent/protocol';
import { optionsFromEnv } from './config/config.js';
import { TokenServiceConfigError } from './errors/errors.js';
import { serveTokenMetrics } from './metrics/serve.js';
import { createTokenService } from './service/service.js';

const DEFAULT_PORT = 8787;

function fail(message: string): never {
  console.error(`voice-agent-server: ${message}`);
  process.exit(1);
}

const USAGE = `Usage: voice-agent-server

A LiveKit token service: POST /token, GET /healthz. Configured by the environment:
  LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET   required
  ALLOWED_ORIGINS        page origins allowed to ask for tokens, "," between them
  AGENT_NAME             agent names a token may dispatch, the first is the default
  TOKEN_TTL              token lifetime in seconds
  RATE_LIMIT_PER_MINUTE  token requests per client and minute, 0 for no limit
  TRUST_PROXY_HEADER     header carrying the client address behind a proxy
  PORT                   default ${DEFAULT_PORT}, 0 picks a free port
  HOST                   interface to listen on, default all`;

function start(): void {
  const env = process.env;
  const missing = missingLiveKitVariables(env);
  if (missing.length > 0) fail(`missing environment variable(s): ${missing.join(', ')}`);

  const portText = env.PORT?.trim() || String(DEFAULT_PORT);
  const port = parsePort(portText) ?? fail(`PORT must be a port number, got "${portText}"`);
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

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) console.log(USAGE);
else start();
