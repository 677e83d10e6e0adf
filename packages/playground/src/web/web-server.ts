import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { type AuthorizeHook, createTokenService } from '@voice-agent/server';
import { Hono } from 'hono';
import { playgroundCsp } from './csp.js';

/** What the page learns from `/playground.json`. */
export interface PageSettings {
  /** True when the agent talks to the bundled Gemini Live stand-in. */
  offlineDemo: boolean;
  agentName: string;
}

export interface WebServerOptions {
  /** The page's files (`public/`). */
  publicDir: string;
  /** The widget's build output, served under `/widget/`. */
  widgetDir: string;
  livekitUrl: string;
  apiKey: string;
  apiSecret: string;
  settings: PageSettings;
  /** Default 0 (a free port). */
  port?: number;
  /** When `port` is taken, take a free one instead of failing. */
  fallbackToFreePort?: boolean;
  host?: string;
  /** The token service's hook (the example site's login decides who the visitor is). */
  authorize?: AuthorizeHook;
  /** The site's own routes on the page's origin (its login); returns false when not its path. */
  siteRoutes?: (request: IncomingMessage, response: ServerResponse, path: string) => boolean;
  /** Page origins the token service also allows (`ALLOWED_ORIGINS`), e.g. the examples'. */
  allowedOrigins?: readonly string[];
}

export interface WebServer {
  /** `http://127.0.0.1:PORT/`: the one URL to open. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * One loopback HTTP server for the page: the playground's files, the widget's script-tag
 * build under `/widget/`, the token service at `/token` (in-process, with the dev keys),
 * and `/playground.json`. Every response carries the strict CSP.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const csp = playgroundCsp(options.livekitUrl);
  let origin = '';
  // Made once the port is known: the token service allows exactly the playground's origin.
  let tokens: ReturnType<typeof getRequestListener> | undefined;
  const settings = JSON.stringify(options.settings);

  // The page's files and the widget's build; every response carries the strict CSP.
  const files = new Hono();
  files.use(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', csp);
    c.header('Cache-Control', 'no-store');
  });
  files.on(['GET', 'HEAD'], '/playground.json', (c) =>
    c.body(settings, 200, { 'Content-Type': 'application/json' }),
  );
  files.use(
    '/widget/*',
    serveStatic({
      root: options.widgetDir,
      rewriteRequestPath: (path) => path.slice('/widget'.length),
    }),
  );
  files.use('/*', serveStatic({ root: options.publicDir }));
  files.all('*', (c) =>
    c.req.method === 'GET' || c.req.method === 'HEAD'
      ? c.text('not found', 404)
      : c.body(null, 405, { Allow: 'GET, HEAD' }),
  );
  const serveFiles = getRequestListener(files.fetch);

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', origin || 'http://playground').pathname;
    if (path === '/token' || path === '/healthz') {
      if (tokens) void tokens(request, response);
      else response.writeHead(503).end();
      return;
    }
    if (options.siteRoutes?.(request, response, path)) return;
    void serveFiles(request, response);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(options.port ?? 0).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE' && options.fallbackToFreePort) return listen(0);
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  tokens = getRequestListener(
    createTokenService({
      livekitUrl: options.livekitUrl,
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      agentNames: [options.settings.agentName],
      allowedOrigins: [origin, `http://localhost:${port}`, ...(options.allowedOrigins ?? [])],
      ...(options.authorize ? { authorize: options.authorize } : {}),
    }).fetch,
  );
  return {
    url: `${origin}/`,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
