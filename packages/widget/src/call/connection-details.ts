import { isVoiceAgentError } from '../errors/errors.js';
import { type ConnectionDetails, fetchConnectionDetails } from '../token/token.js';
import type { CallHost } from './call-host.js';

/**
 * The token, for the earlier page's room when there is a resume ticket (`persist`). A ticket
 * the service refuses (used, expired, another origin) starts a new call with a notice, not
 * an error: the visitor asked to talk, and talks.
 */
export async function requestConnectionDetails(
  host: CallHost,
  resumeTicket: string | undefined,
  signal: AbortSignal,
): Promise<ConnectionDetails> {
  const request = {
    tokenUrl: host.tokenUrl,
    agentName: host.agentName || undefined,
    participantName: host.participantName || undefined,
    credentials: host.tokenCredentials,
    headers: host.tokenHeaders,
    signal,
  };
  if (!resumeTicket) return fetchConnectionDetails(request);
  try {
    return await fetchConnectionDetails({ ...request, resumeTicket });
  } catch (error) {
    if (!isVoiceAgentError(error) || !error.serviceCode?.startsWith('ticket_')) throw error;
    host.call.startAfresh();
    return fetchConnectionDetails(request);
  }
}
