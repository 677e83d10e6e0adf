import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { TokenSource } from 'livekit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchedAgent, PAGE_ORIGIN, testService, verifyToken } from '../testing/fixtures.js';

// livekit-client's own TokenSource.endpoint, as the widget uses it, against the service.
describe('livekit-client TokenSource.endpoint', () => {
  let server: ServerType;
  let url: string;

  beforeAll(async () => {
    const app = testService({ agentNames: ['sales', 'support'] });
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(started),
      );
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('gets a token for the agent it names, in its own request and response format', async () => {
    const source = TokenSource.endpoint(url, { headers: { Origin: PAGE_ORIGIN } });
    const response = await source.fetch({ agentName: 'support' });
    expect(response.serverUrl).toBe('ws://127.0.0.1:7880');
    const claims = await verifyToken(response.participantToken);
    expect(dispatchedAgent(claims)).toBe('support');
    expect(claims.video?.room).toMatch(/^voice-/);
  });

  it('surfaces a refusal as an error carrying the status and code', async () => {
    const source = TokenSource.endpoint(url, { headers: { Origin: PAGE_ORIGIN } });
    await expect(source.fetch({ roomName: 'board-room' })).rejects.toThrow(
      /received 403 .*room_not_allowed/,
    );
    await expect(source.fetch({ agentName: 'root' })).rejects.toThrow(/agent_not_allowed/);
  });
});
