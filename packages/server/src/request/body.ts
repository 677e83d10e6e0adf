import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorResponse, RequestRefusal } from '../errors/errors.js';

/**
 * Hono's `bodyLimit`, with its Content-Length check done first from the header alone: that
 * spares @hono/node-server from building a full web `Request` just to look at the body, so
 * the body is later read on its fast path. Bodies without a length still stream through
 * `bodyLimit`, which stops reading past the limit.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = (c: Context) =>
    errorResponse(c, 'body_too_large', `the body must be at most ${maxBytes} bytes`);
  const streamingLimit = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) {
      return streamingLimit(c, next);
    }
    return Number(length) > maxBytes ? Promise.resolve(tooLarge(c)) : next();
  };
}

/**
 * Reads the body as JSON.
 * @throws {RequestRefusal} `unsupported_media_type` unless sent as JSON, `invalid_json`.
 */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new RequestRefusal('unsupported_media_type', 'send the body as application/json');
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestRefusal('invalid_json', 'the body is not valid JSON');
  }
}
