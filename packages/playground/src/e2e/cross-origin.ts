import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { type AuthorizeHook, createTokenService } from '@voice-agent/server';
import { Hono } from 'hono';
import { WIDGET_DIST } from '../playground.js';

/** A loopback HTTP server and its origin. */
export interface Site {
  origin: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server): () => Promise<void> {
  return async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
}

/** A site whose pages embed the script-tag widget (its files served beside them). */
export interface WidgetSite extends Site {
  /** Adds a page holding `element`; returns its URL. */
  page(element: string): string;
}

/** Starts a site on its own origin (a free port of 127.0.0.1). */
export async function startWidgetSite(): Promise<WidgetSite> {
  const pages = new Map<string, string>();
  const app = new Hono();
  app.get('*', async (c, next) => {
    const element = pages.get(c.req.path);
    return element === undefined
      ? next()
      : c.html(
          `<!doctype html><html><head><script type="module" src="/widget/voice-agent.js"></script></head><body>${element}</body></html>`,
        );
  });
  app.use(
    '/widget/*',
    serveStatic({ root: WIDGET_DIST, rewriteRequestPath: (path) => path.slice('/widget'.length) }),
  );
  const server = createServer(getRequestListener(app.fetch));
  const origin = await listen(server);
  return {
    origin,
    page(element) {
      const path = `/page-${pages.size}.html`;
      pages.set(path, element);
      return `${origin}${path}`;
    },
    close: closer(server),
  };
}

/** A token service on its own origin, with the method and cookie of every request it got. */
export interface TokenSite extends Site {
  seen: { method: string; cookie: string | undefined }[];
}

/** Starts the real token service on its own origin, allowing `allowedOrigins`. */
export async function startTokenSite(
  allowedOrigins: string[],
  livekitUrl: string,
  authorize: AuthorizeHook,
): Promise<TokenSite> {
  const seen: TokenSite['seen'] = [];
  const tokens = getRequestListener(
    createTokenService({
      livekitUrl,
      apiKey: 'cross-origin-test',
      apiSecret: 'cross-origin-test-secret-0123456789abcdef',
      allowedOrigins,
      authorize,
    }).fetch,
  );
  const server = createServer((request: IncomingMessage, response) => {
    seen.push({ method: request.method ?? '', cookie: request.headers.cookie });
    void tokens(request, response);
  });
  const origin = await listen(server);
  return { origin, seen, close: closer(server) };
}
