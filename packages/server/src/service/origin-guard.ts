import type { Context, MiddlewareHandler } from 'hono';
import type { ResolvedConfig } from '../config/config.js';
import { errorResponse } from '../errors/errors.js';

/**
 * Lets a refused page read why it was refused: its preflight passes and the 403 carries
 * `Access-Control-Allow-Origin`, never `-Credentials`, so no cookie is sent or honoured.
 * Without this the browser reports a bare network error and the widget cannot tell the
 * visitor "not allowed" from "unreachable". Nothing is granted: the POST is still refused.
 */
function refusal(c: Context, origin: string) {
  const headers = { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  if (c.req.method === 'OPTIONS') {
    return c.body(null, 204, {
      ...headers,
      'Access-Control-Allow-Methods': 'POST',
      // The headers the page asked for (say, its CSRF token), so that the refusal stays
      // readable; without credentials they carry nothing the page could not send anyway.
      'Access-Control-Allow-Headers':
        c.req.header('access-control-request-headers') || 'content-type',
    });
  }
  return errorResponse(c, 'origin_not_allowed', `origin ${origin} is not allowed`, headers);
}

/**
 * Refuses requests from origins outside the allow-list with `403 origin_not_allowed`, before
 * any other work. A page served from the service's own origin is always allowed. Without
 * `*`, a request must carry an `Origin` header (browsers always send one with this POST).
 */
export function originGuard(
  config: Pick<ResolvedConfig, 'anyOrigin' | 'originMatcher'>,
): MiddlewareHandler {
  return async (c, next) => {
    if (config.anyOrigin) return next();
    const origin = c.req.header('origin');
    if (!origin) {
      return errorResponse(c, 'origin_not_allowed', 'an Origin header is required');
    }
    if (!config.originMatcher(origin) && origin !== new URL(c.req.url).origin) {
      return refusal(c, origin);
    }
    return next();
  };
}
