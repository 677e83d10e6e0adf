import { isVoiceAgentError, VoiceAgentError } from '../errors/errors.js';

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
