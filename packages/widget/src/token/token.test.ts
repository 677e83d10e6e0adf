import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceAgentError } from '../errors/errors.js';
import {
  fetchConnectionDetails,
  parseRetryAfter,
  swapResumeTicket,
  tokenRequestBody,
} from './token.js';

// A real HTTP server on loopback answering like a token service would, path by path.
let server: Server;
let base: string;
const requests: { path: string; body: unknown; headers: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      requests.push({
        path: request.url ?? '',
        body: raw ? JSON.parse(raw) : undefined,
        headers: request.headers,
      });
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        response.end(JSON.stringify(body));
      };
      switch (request.url) {
        case '/ok':
          return json(200, { server_url: 'ws://127.0.0.1:7880', participant_token: 'jwt' });
        case '/svc/token':
          return json(200, {
            server_url: 'ws://127.0.0.1:7880',
            participant_token: 'jwt',
            resume_ticket: 't1',
            resume_ticket_ttl_seconds: 300,
          });
        case '/svc/ticket':
          return raw.includes('"t1"')
            ? json(200, { resume_ticket: 't2', resume_ticket_ttl_seconds: 300 })
            : json(409, { error: { code: 'ticket_used', message: 'used' } });
        case '/forbidden':
          return json(403, { error: { code: 'origin_not_allowed', message: 'nope' } });
        case '/limited':
          return json(
            429,
            { error: { code: 'rate_limited', message: 'slow down' } },
            {
              'Retry-After': '17',
            },
          );
        case '/bad':
          return json(400, { error: { code: 'invalid_request', message: 'bad' } });
        case '/broken':
          response.writeHead(500);
          return response.end('oops');
        case '/half':
          return json(200, { server_url: 'ws://x' });
        case '/hang':
          return; // never answers
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failure(path: string, timeoutMs?: number): Promise<VoiceAgentError> {
  const error = await fetchConnectionDetails({
    tokenUrl: `${base}${path}`,
    ...(timeoutMs ? { timeoutMs } : {}),
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(VoiceAgentError);
  return error as VoiceAgentError;
}

describe('token fetch', () => {
  it('posts the agent name in LiveKit field names and returns the details', async () => {
    const details = await fetchConnectionDetails({
      tokenUrl: `${base}/ok`,
      agentName: 'support',
      participantName: 'Ada',
    });
    expect(details).toEqual({ serverUrl: 'ws://127.0.0.1:7880', participantToken: 'jwt' });
    expect(requests.at(-1)?.body).toEqual({
      room_config: { agents: [{ agent_name: 'support' }] },
      participant_name: 'Ada',
    });
  });

  it("adds the page's headers, from an object or an async function, keeping the JSON type", async () => {
    await fetchConnectionDetails({
      tokenUrl: `${base}/ok`,
      headers: { 'X-CSRF-Token': 'csrf-1', 'Content-Type': 'text/plain' },
    });
    expect(requests.at(-1)?.headers).toMatchObject({
      'x-csrf-token': 'csrf-1',
      'content-type': 'application/json',
    });
    await fetchConnectionDetails({
      tokenUrl: `${base}/ok`,
      headers: async () => ({ Authorization: 'Bearer site-login' }),
    });
    expect(requests.at(-1)?.headers).toMatchObject({ authorization: 'Bearer site-login' });
  });

  it('reports a throwing headers function as token_unreachable, without a request', async () => {
    const count = requests.length;
    const error = await fetchConnectionDetails({
      tokenUrl: `${base}/ok`,
      headers: () => Promise.reject(new Error('no CSRF token')),
    }).catch((e: unknown) => e as VoiceAgentError);
    expect(error).toMatchObject({ code: 'token_unreachable' });
    expect(requests.length).toBe(count);
  });

  it('stops waiting when its signal aborts, rejecting with the reason', async () => {
    const controller = new AbortController();
    const pending = fetchConnectionDetails({ tokenUrl: `${base}/hang`, signal: controller.signal });
    const reason = new Error('call ended');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('sends a resume ticket, reads the next one, and swaps it at the sibling ticket route', async () => {
    const details = await fetchConnectionDetails({
      tokenUrl: `${base}/svc/token`,
      resumeTicket: 't0',
    });
    expect(requests.at(-1)?.body).toEqual({ resume_ticket: 't0' });
    expect(details.resumeTicket).toEqual({ ticket: 't1', ttlSeconds: 300 });
    const tokenUrl = `${base}/svc/token`;
    expect(await swapResumeTicket({ tokenUrl, ticket: 't1' })).toEqual({
      ticket: 't2',
      ttlSeconds: 300,
    });
    expect(requests.at(-1)).toMatchObject({ path: '/svc/ticket', body: { resume_ticket: 't1' } });
    expect(await swapResumeTicket({ tokenUrl, ticket: 't1-again' })).toBeUndefined();
    expect(await swapResumeTicket({ tokenUrl: `${base}/ok`, ticket: 't1' })).toBeUndefined();
  });

  it("keeps the service's own code of a refusal", async () => {
    expect((await failure('/forbidden')).serviceCode).toBe('origin_not_allowed');
  });

  it('sends an empty object when there is no agent name', () => {
    expect(tokenRequestBody({ tokenUrl: 'x' })).toEqual({});
  });

  it('maps 403 to token_forbidden with the service code in the message', async () => {
    const error = await failure('/forbidden');
    expect(error.code).toBe('token_forbidden');
    expect(error.message).toContain('403 (origin_not_allowed: nope)');
  });

  it('maps 429 to token_rate_limited with Retry-After', async () => {
    const error = await failure('/limited');
    expect(error.code).toBe('token_rate_limited');
    expect(error.retryAfterSeconds).toBe(17);
  });

  it('maps 400, 500 and a half answer to their codes', async () => {
    expect((await failure('/bad')).code).toBe('token_bad_request');
    expect((await failure('/broken')).code).toBe('token_server_error');
    expect((await failure('/half')).code).toBe('token_invalid_response');
  });

  it('reports an unreachable service and a hanging one as token_unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await fetchConnectionDetails({ tokenUrl: `http://127.0.0.1:${port}/` }).then(
      () => undefined,
      (e: unknown) => e as VoiceAgentError,
    );
    expect(error?.code).toBe('token_unreachable');
    expect((await failure('/hang', 300)).code).toBe('token_unreachable');
  });

  it('parses Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('5')).toBe(5);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
