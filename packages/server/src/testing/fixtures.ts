import { TEST_CREDENTIALS as SHARED_TEST_CREDENTIALS } from '@voice-agent/testing';
import type { Hono } from 'hono';
import { type ClaimGrants, TokenVerifier } from 'livekit-server-sdk';
import { expect } from 'vitest';
import type { TokenServiceOptions } from '../config/options.js';
import { createTokenService } from '../service/service.js';

/** The token service's options in tests: the shared test credentials and a loopback URL. */
export const TEST_CREDENTIALS = {
  livekitUrl: 'ws://127.0.0.1:7880',
  ...SHARED_TEST_CREDENTIALS,
} as const satisfies TokenServiceOptions;

export const PAGE_ORIGIN = 'http://localhost:5173';

/** Verifies a token's signature, issuer and expiry as LiveKit would, and returns its claims. */
export function verifyToken(token: string): Promise<ClaimGrants> {
  return new TokenVerifier(TEST_CREDENTIALS.apiKey, TEST_CREDENTIALS.apiSecret).verify(token, 0);
}

/** A `POST /token` request as livekit-client's `TokenSource.endpoint` sends it. */
export function tokenRequest(
  body: unknown,
  {
    origin = PAGE_ORIGIN,
    headers = {},
  }: { origin?: string | null; headers?: Record<string, string> } = {},
): RequestInit {
  return {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(origin === null ? {} : { Origin: origin }),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** Asserts an error response: its status, its stable code, and that the message is there. */
export async function expectError(
  response: Response,
  status: number,
  code: string,
): Promise<string> {
  const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(typeof body.error?.message).toBe('string');
  return body.error?.message as string;
}

/** A token service with test credentials and the given options. */
export function testService(options: TokenServiceOptions = {}): Hono {
  return createTokenService({ ...TEST_CREDENTIALS, ...options });
}

/** Reads a successful token response and verifies the token in it. */
export async function expectToken(response: Response): Promise<ClaimGrants> {
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(body)).toBe(200);
  // A browser's answer also carries a resume ticket (src/resume/resume.test.ts covers it).
  const { resume_ticket: _ticket, resume_ticket_ttl_seconds: _ttl, ...fields } = body;
  expect(Object.keys(fields).sort()).toEqual(['participant_token', 'server_url']);
  expect(body.server_url).toBe(TEST_CREDENTIALS.livekitUrl);
  return verifyToken(body.participant_token as string);
}

/** The agent a token dispatches, read from its room configuration. */
export function dispatchedAgent(claims: ClaimGrants): string | undefined {
  const roomConfig = JSON.parse(JSON.stringify(claims.roomConfig ?? {})) as {
    agents?: { agentName?: string }[];
  };
  expect(roomConfig.agents).toHaveLength(1);
  return roomConfig.agents?.[0]?.agentName;
}
