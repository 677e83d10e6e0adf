import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { SignalRequest } from '@livekit/protocol';
import { type RawData, WebSocket, WebSocketServer } from 'ws';

export interface SlowOfferProxy {
  /** `ws://127.0.0.1:<port>`: connect clients here instead of to the server. */
  url: string;
  /** Emits `offer` whenever a client sends an offer through the proxy. */
  events: EventEmitter;
  close(): Promise<void>;
}

/**
 * A signalling proxy in front of a dev server that holds each client offer for `holdMs` while
 * every other message passes at once: what a client sees of a server that is slow to answer
 * (a loaded machine), with its other requests answered meanwhile.
 */
export async function startSlowOfferProxy(
  serverUrl: string,
  holdMs: number,
): Promise<SlowOfferProxy> {
  const events = new EventEmitter();
  const sockets = new WebSocketServer({ noServer: true });
  const http: Server = createServer((_request, response) => response.writeHead(404).end());
  http.on('upgrade', (request, socket, head) => {
    sockets.handleUpgrade(request, socket, head, (client) => {
      const headers = request.headers.authorization
        ? { authorization: request.headers.authorization }
        : undefined;
      const upstream = new WebSocket(`${serverUrl}${request.url ?? ''}`, { headers });
      const early: RawData[] = [];
      const forward = (data: RawData) => {
        if (upstream.readyState === WebSocket.OPEN) upstream.send(data);
        else early.push(data);
      };
      upstream.once('open', () => {
        for (const data of early.splice(0)) upstream.send(data);
      });
      let offers = Promise.resolve();
      client.on('message', (data: RawData, isBinary: boolean) => {
        if (!isBinary || SignalRequest.fromBinary(bytes(data)).message.case !== 'offer') {
          forward(data);
          return;
        }
        events.emit('offer');
        offers = offers.then(() => delay(holdMs)).then(() => forward(data));
      });
      upstream.on('message', (data: RawData, isBinary: boolean) => {
        if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
      });
      client.on('close', () => upstream.close());
      upstream.on('close', () => client.close());
      upstream.on('error', () => client.terminate());
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    events,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function bytes(data: RawData): Uint8Array {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  return new Uint8Array(buffer);
}
