import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { type AuthorizeHook, createTokenService } from '@voice-agent/server';
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

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Resolves `relative` inside `root`, or undefined when it would leave it. */
function inside(root: string, relative: string): string | undefined {
  const file = normalize(join(root, relative));
  return file.startsWith(root.endsWith(sep) ? root : `${root}${sep}`) ? file : undefined;
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

  const serveFile = async (response: ServerResponse, file: string | undefined) => {
    const body = file ? await readFile(file).catch(() => undefined) : undefined;
    if (!body) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response
      .writeHead(200, {
        'content-type': TYPES[extname(file ?? '')] ?? 'application/octet-stream',
        'content-security-policy': csp,
        'cache-control': 'no-store',
      })
      .end(body);
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', origin || 'http://playground').pathname;
    if (path === '/token' || path === '/healthz') {
      if (tokens) void tokens(request, response);
      else response.writeHead(503).end();
      return;
    }
    if (options.siteRoutes?.(request, response, path)) return;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/playground.json') {
      response
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(settings);
      return;
    }
    const file = path.startsWith('/widget/')
      ? inside(options.widgetDir, decodeURIComponent(path.slice('/widget/'.length)))
      : inside(options.publicDir, path === '/' ? 'index.html' : decodeURIComponent(path.slice(1)));
    void serveFile(response, file);
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
