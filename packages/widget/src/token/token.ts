import { VoiceAgentError, type VoiceAgentErrorCode } from '../errors/errors.js';

/**
 * Extra headers for the token request (a CSRF token, a bearer from the site's own login), or
 * a function returning them, called before every request (it may be async).
 */
export type TokenHeaders = HeadersInit | (() => HeadersInit | Promise<HeadersInit>);

/** Whether the token request carries the browser's cookies: `fetch`'s `credentials`. */
export type TokenCredentials = 'omit' | 'same-origin' | 'include';

/** Every {@link TokenCredentials} value, to check an attribute against. */
export const TOKEN_CREDENTIALS: readonly TokenCredentials[] = ['omit', 'same-origin', 'include'];

/** What the widget sends to the token service. */
export interface TokenRequestOptions {
  /** The token service's URL (`token-url`). */
  tokenUrl: string;
  /** The agent to dispatch into the room (`agent-name`). */
  agentName?: string | undefined;
  /** The visitor's display name, if the page knows it. */
  participantName?: string | undefined;
  /** Cookies: `include` sends them to a token service on another origin. Default `same-origin`. */
  credentials?: TokenCredentials | undefined;
  /** Headers added to the request (`Content-Type` stays `application/json`). */
  headers?: TokenHeaders | undefined;
  /** Rejoin the room of an earlier page of this call (`persist`) with this resume ticket. */
  resumeTicket?: string | undefined;
  /** Gives up after this long (default 10 s) with `token_unreachable`. */
  timeoutMs?: number;
  /** Cancels the request (the call was ended); the promise then rejects with the abort reason. */
  signal?: AbortSignal | undefined;
  /** Injected in tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** A resume ticket as the token service answered it. */
export interface ResumeTicket {
  ticket: string;
  /** Seconds it stays valid from when it was answered. */
  ttlSeconds: number;
}

/** A token service's answer: where to connect and with which token. */
export interface ConnectionDetails {
  serverUrl: string;
  participantToken: string;
  /** Present when the service issues resume tickets (`@voice-agent/server` does by default). */
  resumeTicket?: ResumeTicket;
}

/**
 * The request body in LiveKit's field names, the format `TokenSource.endpoint` also sends.
 * The agent is chosen here; the room is chosen by the server.
 */
export function tokenRequestBody(options: TokenRequestOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (options.agentName) body.room_config = { agents: [{ agent_name: options.agentName }] };
  if (options.participantName) body.participant_name = options.participantName;
  if (options.resumeTicket) body.resume_ticket = options.resumeTicket;
  return body;
}

/** The page's headers (its function awaited), with the JSON content type on top. */
async function requestHeaders(extra: TokenHeaders | undefined): Promise<Headers> {
  const headers = new Headers(typeof extra === 'function' ? await extra() : extra);
  headers.set('Content-Type', 'application/json');
  return headers;
}

function codeForStatus(status: number): VoiceAgentErrorCode {
  if (status === 401 || status === 403) return 'token_forbidden';
  if (status === 429) return 'token_rate_limited';
  if (status >= 400 && status < 500) return 'token_bad_request';
  return 'token_server_error';
}

/** Parses `Retry-After` (seconds or an HTTP date) into whole seconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

async function errorBody(response: Response): Promise<{ code?: string; message?: string }> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    return {
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof message === 'string' ? { message } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * Asks the token service for connection details. Every failure becomes a
 * {@link VoiceAgentError} with a stable code: `token_unreachable` (network, timeout, CORS, or
 * the page's headers function failed),
 * `token_forbidden` (401/403), `token_rate_limited` (429, with `retryAfterSeconds`),
 * `token_bad_request` (other 4xx), `token_server_error` (5xx),
 * `token_invalid_response` (a 200 without both fields).
 *
 * `TokenSource.endpoint` from livekit-client sends the same request, but folds the status,
 * `Retry-After` and the service's error code into one message string; the widget needs them
 * apart to tell the visitor what happened.
 */
export async function fetchConnectionDetails(
  options: TokenRequestOptions,
): Promise<ConnectionDetails> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await doFetch(options.tokenUrl, {
      method: 'POST',
      headers: await requestHeaders(options.headers),
      body: JSON.stringify(tokenRequestBody(options)),
      credentials: options.credentials ?? 'same-origin',
      signal,
    });
  } catch (cause) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new VoiceAgentError(
      'token_unreachable',
      `The voice service at ${options.tokenUrl} could not be reached.`,
      { cause },
    );
  }
  if (!response.ok) {
    const { code, message } = await errorBody(response);
    const retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
    const detail = [code, message].filter(Boolean).join(': ');
    throw new VoiceAgentError(
      codeForStatus(response.status),
      `The voice service answered ${response.status}${detail ? ` (${detail})` : ''}.`,
      {
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
        ...(code === undefined ? {} : { serviceCode: code }),
      },
    );
  }
  let body: {
    server_url?: unknown;
    participant_token?: unknown;
    resume_ticket?: unknown;
    resume_ticket_ttl_seconds?: unknown;
  };
  try {
    body = (await response.json()) as typeof body;
  } catch (cause) {
    throw new VoiceAgentError('token_invalid_response', 'The voice service sent no JSON.', {
      cause,
    });
  }
  if (typeof body.server_url !== 'string' || typeof body.participant_token !== 'string') {
    throw new VoiceAgentError(
      'token_invalid_response',
      'The voice service answered without server_url and participant_token.',
    );
  }
  const details: ConnectionDetails = {
    serverUrl: body.server_url,
    participantToken: body.participant_token,
  };
  const resumeTicket = ticketOf(body);
  if (resumeTicket) details.resumeTicket = resumeTicket;
  return details;
}

function ticketOf(body: {
  resume_ticket?: unknown;
  resume_ticket_ttl_seconds?: unknown;
}): ResumeTicket | undefined {
  const { resume_ticket: ticket, resume_ticket_ttl_seconds: ttlSeconds } = body;
  if (typeof ticket !== 'string' || typeof ttlSeconds !== 'number') return undefined;
  return { ticket, ttlSeconds };
}

/**
 * Swaps a resume ticket for a fresh one at the token service's `ticket` route, the sibling of
 * its token URL (`/voice/token` → `/voice/ticket`), so a long call keeps a ticket that
 * expires soon after the page leaves. Answers `undefined` when the service has no such route
 * or refuses; the call goes on either way, it only stops being resumable.
 */
export async function swapResumeTicket(
  options: Pick<
    TokenRequestOptions,
    'tokenUrl' | 'credentials' | 'headers' | 'signal' | 'fetch'
  > & {
    ticket: string;
  },
): Promise<ResumeTicket | undefined> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  try {
    const response = await doFetch(
      new URL('ticket', new URL(options.tokenUrl, globalThis.location?.href)),
      {
        method: 'POST',
        headers: await requestHeaders(options.headers),
        body: JSON.stringify({ resume_ticket: options.ticket }),
        credentials: options.credentials ?? 'same-origin',
        signal: options.signal ?? AbortSignal.timeout(10_000),
      },
    );
    return response.ok ? ticketOf(await response.json()) : undefined;
  } catch {
    return undefined;
  }
}
