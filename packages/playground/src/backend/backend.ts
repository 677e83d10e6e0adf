import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ReplayGuard,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifySignature,
} from '@voice-agent/agent';
import { DemoAccounts } from './accounts.js';
import { orderStatus } from './orders.js';

/** What the example backend saw for one request. */
export interface BackendRequest {
  path: string;
  /** `ok` when the signature verified, else the failure code (`bad_signature`, …). */
  verdict: string;
  /** The tool arguments, when the signature verified. */
  arguments?: Record<string, unknown>;
  /** The id of the visitor the agent serves, when signed in and the signature verified. */
  visitor?: string;
}

/** Paths of the HTTP tools: the playground's agent config names the same ones. */
const TOOL_PATHS = ['/book-table', '/order-status'];

/**
 * The example backend: the hotel's restaurant books tables and its shop answers order
 * questions for the agent's HTTP tools; its login (`accounts`) sets the cookie that the
 * token service's `authorize` hook reads.
 */
export interface ExampleBackend {
  /** `http://127.0.0.1:PORT`: the agent config appends `/book-table` and `/order-status`. */
  url: string;
  /** Every tool request, in order of arrival. */
  requests: BackendRequest[];
  /** The site's login: mounted on the page's origin, and the token service's hook. */
  accounts: DemoAccounts;
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
  const accounts = new DemoAccounts();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://backend').pathname;
    const reply = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method !== 'POST' || !TOOL_PATHS.includes(path)) {
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
        // The visitor comes from the signed body: the agent read it from the token.
        const { visitor, request: toolRequest } = check;
        const args = toolRequest.arguments;
        requests.push({
          path,
          verdict: 'ok',
          arguments: args,
          ...(visitor ? { visitor: visitor.id } : {}),
        });
        reply(200, path === '/order-status' ? orderStatus(visitor, args) : bookTable(args));
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
    accounts,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
