import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectToken, testService, tokenRequest } from '../testing/fixtures.js';

describe('mounted in an existing Node server', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const voice = getRequestListener(new Hono().route('/voice', testService()).fetch);
    server = createServer((req, res) => {
      if (req.url?.startsWith('/voice/')) {
        voice(req, res);
        return;
      }
      res.end('host page');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves tokens under its prefix and leaves the host’s routes alone', async () => {
    await expectToken(await fetch(`${base}/voice/token`, tokenRequest({})));
    await expectError(
      await fetch(`${base}/voice/token`, tokenRequest({ room_name: 'x' })),
      403,
      'room_not_allowed',
    );
    expect(await (await fetch(`${base}/`)).text()).toBe('host page');
  });

  it('mounts in an Express app the same way', async () => {
    const voice = getRequestListener(new Hono().route('/voice', testService()).fetch);
    const app = express();
    app.use((req, res, next) => (req.url.startsWith('/voice/') ? voice(req, res) : next()));
    app.get('/', (_req, res) => {
      res.send('express page');
    });
    const own = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => own.once('listening', resolve));
    const port = (own.address() as AddressInfo).port;
    try {
      await expectToken(await fetch(`http://127.0.0.1:${port}/voice/token`, tokenRequest({})));
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('express page');
    } finally {
      await new Promise((resolve) => own.close(resolve));
    }
  });

  it('sees the real client address for the rate limit', async () => {
    const seen: (string | undefined)[] = [];
    const app = testService({
      authorize: ({ clientIp }) => {
        seen.push(clientIp);
        return true;
      },
    });
    const listener = getRequestListener(app.fetch);
    const own = createServer((req, res) => listener(req, res));
    await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
    const port = (own.address() as AddressInfo).port;
    try {
      await expectToken(await fetch(`http://127.0.0.1:${port}/token`, tokenRequest({})));
    } finally {
      await new Promise((resolve) => own.close(resolve));
    }
    expect(seen).toEqual(['127.0.0.1']);
  });
});
