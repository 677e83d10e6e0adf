import { connect, createServer, type Server, type Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { createTokenService, type TokenServiceOptions } from '@voice-agent/server';
import { TEST_CREDENTIALS } from '@voice-agent/testing';

/** The real token service (`@voice-agent/server`) on a free loopback port. */
export interface RunningTokenService {
  url: string;
  stop(): Promise<void>;
}

/** Starts `createTokenService(options)` over HTTP; its token URL is `<url>/token`. */
export async function startTokenService(
  options: TokenServiceOptions & { livekitUrl: string },
): Promise<RunningTokenService> {
  const app = createTokenService({ ...TEST_CREDENTIALS, onError: () => undefined, ...options });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        stop: () =>
          new Promise((done) => {
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * A TCP server that accepts connections and never answers: a LiveKit URL whose connection
 * neither succeeds nor fails while a test looks at what happens before it.
 */
export async function startSilentServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A TCP proxy to `target` (`ws://host:port`) that a test can cut, the way a dropped network
 * cuts the signalling connection: open connections are destroyed and new ones refused.
 */
export async function startCuttableProxy(
  target: string,
): Promise<{ url: string; cut(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as { port: number }).port}`,
    cut: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
