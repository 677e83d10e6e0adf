import { isVoiceAgentError, VoiceAgentError } from '../errors/errors.js';
import { TOKEN_CREDENTIALS, type TokenCredentials } from '../token/token.js';

const DENIED = new Set(['NotAllowedError', 'PermissionDeniedError', 'SecurityError']);
const UNAVAILABLE = new Set(['NotFoundError', 'NotReadableError', 'OverconstrainedError']);

/** Turns whatever a getUserMedia call threw into a coded error. */
export function microphoneError(cause: unknown): VoiceAgentError {
  const name = cause instanceof Error || cause instanceof DOMException ? cause.name : '';
  if (DENIED.has(name)) {
    return new VoiceAgentError('microphone_denied', 'Microphone access was denied.', { cause });
  }
  if (UNAVAILABLE.has(name)) {
    return new VoiceAgentError('microphone_unavailable', `No microphone (${name}).`, { cause });
  }
  return new VoiceAgentError('microphone_unavailable', 'The microphone could not start.', {
    cause,
  });
}

/** Turns a failure of `room.connect` into a coded error (unless it already has a code). */
export function connectionError(cause: unknown): VoiceAgentError {
  if (isVoiceAgentError(cause)) return cause;
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new VoiceAgentError('connection_failed', `Could not join the call${detail}`, { cause });
}

/** What a call cannot start without, checked before anything is requested. */
export function configError(settings: {
  tokenUrl: string;
  tokenCredentials: TokenCredentials;
}): VoiceAgentError | undefined {
  if (!settings.tokenUrl) {
    return new VoiceAgentError('invalid_config', 'Set token-url to your token service.');
  }
  if (!TOKEN_CREDENTIALS.includes(settings.tokenCredentials)) {
    const value = JSON.stringify(settings.tokenCredentials);
    const expected = TOKEN_CREDENTIALS.join(', ');
    return new VoiceAgentError(
      'invalid_config',
      `token-credentials ${value} is not one of ${expected}.`,
    );
  }
  return undefined;
}
