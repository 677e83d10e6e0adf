import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * CORS for `/token`, run after the origin guard (so the origin is allowed). Preflights go to
 * Hono's `cors`. On the POST itself the four response headers are set up front with
 * `c.header()`: Hono's `cors` writes them through `c.res` around the handler, which makes
 * @hono/node-server build a full web `Response` per request (about a third of the
 * throughput, measured with `npm run bench`).
 * Credentials (the host's session cookie) are allowed for listed origins, never for `*`.
 */
export function tokenCors(anyOrigin: boolean): MiddlewareHandler {
  const common = { allowMethods: ['POST', 'OPTIONS'], exposeHeaders: ['Retry-After'], maxAge: 600 };
  const preflight = cors(
    anyOrigin
      ? { ...common, origin: '*' }
      : { ...common, origin: (origin) => origin || null, credentials: true },
  );
  return (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const origin = c.req.header('origin');
    if (anyOrigin) {
      c.header('Access-Control-Allow-Origin', '*');
    } else if (origin) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Allow-Credentials', 'true');
      c.header('Vary', 'Origin');
    }
    c.header('Access-Control-Expose-Headers', 'Retry-After');
    return next();
  };
}
