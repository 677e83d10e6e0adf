import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error code the token service answers with, and the HTTP status it comes with. */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  unauthorized: 401,
  ticket_invalid: 401,
  ticket_expired: 401,
  origin_not_allowed: 403,
  room_not_allowed: 403,
  identity_not_allowed: 403,
  agent_not_allowed: 403,
  ticket_wrong_origin: 403,
  not_found: 404,
  method_not_allowed: 405,
  ticket_used: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  timeout: 504,
} as const satisfies Record<string, ContentfulStatusCode>;

/** A stable, snake_case error code; part of the public API. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** Answers `{ "error": { code, message } }` with the status that belongs to `code`. */
export function errorResponse(
  c: Context,
  code: ErrorCode,
  message: string,
  headers?: Record<string, string>,
): Response {
  const body: ErrorBody = { error: { code, message } };
  return c.json(body, ERROR_STATUS[code], headers);
}

/**
 * A refusal decided while handling a request; the service turns it into an error response.
 * Thrown only with messages that are safe to show to the client.
 */
export class RequestRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefusal';
  }
}

/**
 * Invalid or missing configuration, raised by `createTokenService` and `optionsFromEnv`.
 * The message names the option and, where there is one, its environment variable.
 */
export class TokenServiceConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(message: string) {
    super(message);
    this.name = 'TokenServiceConfigError';
  }
}
