import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  type ActiveJob,
  AgentDispatcher,
  type DispatchTimings,
  type FailedDispatch,
} from '../agent/dispatcher.js';
import type { WorkerSummary } from '../agent/worker-pool.js';
import { TokenError, verifyClaims, verifyJoinToken } from '../auth/token.js';
import { SignalConnection } from '../signal/connection.js';
import { joinSettingsFrom, refuseResume, tokenFrom } from '../signal/join-request.js';
import { RoomRegistry } from './rooms.js';

/** LiveKit's own development defaults: `livekit-server --dev`. */
export const DEFAULT_PORT = 7880;
export const DEFAULT_KEYS: Readonly<Record<string, string>> = { devkey: 'secret' };

export interface DevServerOptions {
  /** TCP port; 0 picks a free one. Default 7880. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** API key → secret. Default `{ devkey: 'secret' }`. */
  keys?: Record<string, string>;
  /**
   * Seconds a client may send nothing (its pings included) before it counts as gone and
   * leaves its room, as on LiveKit. Default 15.
   */
  pingTimeoutSeconds?: number;
  /**
   * Seconds a participant whose signal connection dropped (no leave) stays in its room, so
   * that livekit-client can resume the session (`reconnect=1`), and that a room whose last
   * visitor left (agents do not keep it) lives on, as on LiveKit. Default 20.
   */
  departureTimeoutSeconds?: number;
  /** Agent dispatch timeouts: a silent worker's turn, and a job no worker takes. */
  agentDispatch?: DispatchTimings;
}

export interface DevServer {
  /** `ws://HOST:PORT`, what `LIVEKIT_URL` should be. */
  url: string;
  port: number;
  keys: Record<string, string>;
  /** Active rooms and their participants' identities. */
  rooms(): { name: string; participants: string[] }[];
  /** Jobs currently dispatched to agent workers. */
  jobs(): ActiveJob[];
  /** Registered agent workers, with the status and load they last reported. */
  workers(): WorkerSummary[];
  /** Dispatches that no worker took within the dispatch timeout. */
  failedDispatches(): FailedDispatch[];
  close(): Promise<void>;
}

type Route = 'rtc-v1' | 'rtc-v0' | 'validate' | 'agent' | 'health' | undefined;

function routeOf(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '');
  if (path.endsWith('/rtc/v1/validate') || path.endsWith('/rtc/validate')) return 'validate';
  if (path.endsWith('/rtc/v1')) return 'rtc-v1';
  if (path.endsWith('/rtc')) return 'rtc-v0';
  if (path.endsWith('/agent')) return 'agent';
  if (path === '') return 'health';
  return undefined;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, OPTIONS',
};

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  const reason = status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}

/**
 * Starts a LiveKit-compatible development server: signalling on `/rtc/v1`, token
 * validation on `/rtc/validate` and `/rtc/v1/validate`, agent workers on `/agent`.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const keys = { ...(options.keys ?? DEFAULT_KEYS) };
  const [apiKey, apiSecret] = Object.entries(keys)[0] ?? [];
  if (!apiKey || !apiSecret) throw new Error('startDevServer: keys must hold at least one key');
  const { pingTimeoutSeconds } = options;
  if (
    pingTimeoutSeconds !== undefined &&
    !(Number.isInteger(pingTimeoutSeconds) && pingTimeoutSeconds >= 2)
  ) {
    throw new Error(
      'startDevServer: pingTimeoutSeconds must be a whole number of seconds, at least 2',
    );
  }
  const { departureTimeoutSeconds } = options;
  if (
    departureTimeoutSeconds !== undefined &&
    !(Number.isFinite(departureTimeoutSeconds) && departureTimeoutSeconds >= 0)
  ) {
    throw new Error('startDevServer: departureTimeoutSeconds must be a number of seconds, >= 0');
  }
  const timeouts = { pingS: pingTimeoutSeconds, departureS: departureTimeoutSeconds };
  const dispatcher = new AgentDispatcher(apiKey, apiSecret, options.agentDispatch);
  const registry = new RoomRegistry(dispatcher, departureTimeoutSeconds);
  const sockets = new WebSocketServer({ noServer: true });

  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = routeOf(url.pathname);
    if (request.method === 'OPTIONS') {
      response.writeHead(204, CORS).end();
      return;
    }
    if (route === 'health') {
      response.writeHead(200, { 'content-type': 'text/plain', ...CORS }).end('OK');
      return;
    }
    if (route !== 'validate') {
      response.writeHead(404, { 'content-type': 'text/plain', ...CORS }).end('not found');
      return;
    }
    verifyJoinToken(tokenFrom(url, request.headers.authorization), keys).then(
      () => response.writeHead(200, { 'content-type': 'text/plain', ...CORS }).end('success'),
      (error: unknown) => {
        const text =
          error instanceof TokenError ? `${error.code}: ${error.message}` : 'invalid token';
        response.writeHead(401, { 'content-type': 'text/plain', ...CORS }).end(text);
      },
    );
  });

  /** Verifies the token and the join request, then upgrades into a signalling connection. */
  async function joinRoom(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
    dualPeerConnection: boolean,
  ): Promise<void> {
    const grant = await verifyJoinToken(tokenFrom(url, request.headers.authorization), keys);
    const settings = joinSettingsFrom(url, dualPeerConnection);
    if (settings.resume) {
      const room = registry.rooms.get(grant.room);
      const kept = [...(room?.participants.values() ?? [])].find(
        (p) => p.sid === settings.participantSid && p.identity === grant.identity,
      );
      sockets.handleUpgrade(request, socket, head, (ws) => {
        // Gone already: a leave asking for a full reconnect sends the client straight to a
        // fresh join instead of retrying a resume.
        if (!room || !kept || !room.participants.has(kept.sid)) refuseResume(ws);
        else new SignalConnection(ws, room, grant, settings, timeouts, kept).resume();
      });
      return;
    }
    const existing = registry.rooms.get(grant.room);
    if (existing) await registry.evictDuplicate(existing, grant.identity);
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const room = registry.roomFor(grant.room);
      const connection = new SignalConnection(ws, room, grant, settings, timeouts);
      connection.start();
      if (!connection.participant.isAgent) registry.dispatchFor(room, grant);
    });
  }

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = routeOf(url.pathname);
    const token = tokenFrom(url, request.headers.authorization);
    if (route === 'agent') {
      verifyClaims(token, keys).then(
        (claims) => {
          if (!claims.video?.agent) {
            refuseUpgrade(socket, 401, 'token does not grant agent');
            return;
          }
          sockets.handleUpgrade(request, socket, head, (ws) => dispatcher.accept(ws));
        },
        () => refuseUpgrade(socket, 401, 'invalid token'),
      );
      return;
    }
    if (route !== 'rtc-v1' && route !== 'rtc-v0') {
      refuseUpgrade(socket, 404, 'not found');
      return;
    }
    joinRoom(request, socket, head, url, route === 'rtc-v0').catch((error: unknown) => {
      if (error instanceof TokenError)
        refuseUpgrade(socket, 401, `${error.code}: ${error.message}`);
      else refuseUpgrade(socket, 400, 'bad_request: malformed join request');
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  return {
    url: `ws://${urlHost}:${port}`,
    port,
    keys,
    rooms: () =>
      [...registry.rooms.values()].map((room) => ({
        name: room.name,
        participants: [...room.participants.values()].map((p) => p.identity),
      })),
    jobs: () => dispatcher.activeJobs(),
    workers: () => dispatcher.registeredWorkers(),
    failedDispatches: () => dispatcher.failedDispatches(),
    async close() {
      await registry.closeAll();
      dispatcher.close();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
}
