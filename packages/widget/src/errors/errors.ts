/**
 * Stable error codes of `<voice-agent>`. They appear in `voice-agent-error` events, in
 * `VoiceAgentError.code` and in the README; messages may change, codes do not.
 */
export const ERROR_CODES = [
  'invalid_config',
  'load_failed',
  'token_unreachable',
  'token_forbidden',
  'token_rate_limited',
  'token_bad_request',
  'token_server_error',
  'token_invalid_response',
  'microphone_denied',
  'microphone_unavailable',
  'connection_failed',
  'connection_lost',
  'agent_timeout',
  'agent_lost',
  'service_restarting',
  'model_unavailable',
  'not_connected',
  'invalid_tool',
] as const;

/** One of {@link ERROR_CODES}. */
export type VoiceAgentErrorCode = (typeof ERROR_CODES)[number];

/** An error with a stable {@link VoiceAgentErrorCode}. */
export class VoiceAgentError extends Error {
  override name = 'VoiceAgentError';
  readonly code: VoiceAgentErrorCode;
  /** Seconds the token service asked to wait (HTTP 429 `Retry-After`), when it said so. */
  readonly retryAfterSeconds: number | undefined;
  /** The token service's own error code (e.g. `ticket_used`), when it answered one. */
  readonly serviceCode: string | undefined;

  constructor(
    code: VoiceAgentErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number; serviceCode?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.serviceCode = options.serviceCode;
  }
}

/** Narrows an unknown thrown value to a {@link VoiceAgentError}. */
export function isVoiceAgentError(value: unknown): value is VoiceAgentError {
  return value instanceof VoiceAgentError;
}
