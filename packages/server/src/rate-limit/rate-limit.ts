import type { MiddlewareHandler } from 'hono';
import { errorResponse } from '../errors/errors.js';
import type { RateLimitStore } from './store.js';

const WINDOW_MS = 60_000;

/** Key used for clients whose address the runtime does not tell: they share one budget. */
const UNKNOWN_CLIENT_KEY = 'unknown-client';

/**
 * Counts each request per client address in one-minute windows and answers
 * `429 rate_limited` with `Retry-After` (seconds) past `perMinute`.
 */
export function rateLimit(options: {
  perMinute: number;
  store: RateLimitStore;
  key: (c: Parameters<MiddlewareHandler>[0]) => string | undefined;
}): MiddlewareHandler {
  return async (c, next) => {
    const key = options.key(c) ?? UNKNOWN_CLIENT_KEY;
    const { count, resetAt } = await options.store.increment(key, WINDOW_MS);
    if (count > options.perMinute) {
      const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
      return errorResponse(
        c,
        'rate_limited',
        `too many token requests: at most ${options.perMinute} per minute, retry in ${retryAfter} s`,
        { 'Retry-After': String(retryAfter) },
      );
    }
    await next();
  };
}
