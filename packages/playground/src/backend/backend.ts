import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ReplayGuard,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifySignature,
} from '@voice-agent/agent';

/** What the example backend saw for one request. */
export interface BackendRequest {
  path: string;
  /** `ok` when the signature verified, else the failure code (`bad_signature`, …). */
  verdict: string;
  /** The tool arguments, when the signature verified. */
  arguments?: Record<string, unknown>;
}

/** The example backend: a restaurant that books tables for the agent's HTTP tool. */
export interface ExampleBackend {
  /** `http://127.0.0.1:PORT`: the agent config appends `/book-table`. */
  url: string;
  /** Every request, in order of arrival. */
  requests: BackendRequest[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Books a table: the answer the agent reads back to the visitor. */
function bookTable(args: Record<string, unknown>): Record<string, unknown> {
  const guests = Number(args.guests);
  if (!Number.isInteger(guests) || guests < 1 || guests > 12) {
    return { confirmed: false, reason: 'We take bookings for 1 to 12 guests.' };
  }
  return {
    confirmed: true,
    guests,
    time: typeof args.time === 'string' ? args.time : 'tonight',
    reference: `T-${randomUUID().slice(0, 6).toUpperCase()}`,
  };
}

/**
 * Starts the example backend on loopback. Every request must carry a valid signature made
 * with `secret` (the agent's `VOICE_AGENT_TOOL_SECRET`); others get `401 { error: code }`.
 */
export async function startExampleBackend(secret: string, port = 0): Promise<ExampleBackend> {
  const requests: BackendRequest[] = [];
  const replayGuard = new ReplayGuard();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://backend').pathname;
    const reply = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method !== 'POST' || path !== '/book-table') {
      reply(404, { error: 'not_found' });
      return;
    }
    readBody(request).then(
      (body) => {
        if (!body) {
          reply(413, { error: 'body_too_large' });
          return;
        }
        const check = verifySignature({
          secret,
          body,
          timestamp: request.headers[TIMESTAMP_HEADER.toLowerCase()] as string | undefined,
          signature: request.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined,
          replayGuard,
        });
        if (!check.ok) {
          requests.push({ path, verdict: check.code });
          reply(401, { error: check.code });
          return;
        }
        const parsed = JSON.parse(body.toString('utf8')) as { arguments?: Record<string, unknown> };
        const args = parsed.arguments ?? {};
        requests.push({ path, verdict: 'ok', arguments: args });
        reply(200, bookTable(args));
      },
      () => reply(400, { error: 'bad_request' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
