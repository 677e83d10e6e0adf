import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCallTurn } from '../testing/index.js';
import {
  eventually,
  type Harness,
  startHarness,
  TOOL_SECRET,
  toolOutputs,
} from '../worker/harness.test-helper.js';
import { ReplayGuard, signRequest, verifySignature } from './signature.js';

interface Captured {
  body: string;
  timestamp: string;
  signature: string;
  tool: string;
}

const captured: Captured[] = [];
const guard = new ReplayGuard();
let backend: Server;
let harness: Harness;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** A host backend: verifies every request like a real one would, then answers per path. */
async function startBackend(): Promise<string> {
  backend = createServer(async (request, response) => {
    const body = await readBody(request);
    const timestamp = String(request.headers['x-voice-agent-timestamp']);
    const signature = String(request.headers['x-voice-agent-signature']);
    captured.push({
      body,
      timestamp,
      signature,
      tool: String(request.headers['x-voice-agent-tool']),
    });
    const check = verifySignature({
      secret: TOOL_SECRET,
      body,
      timestamp,
      signature,
      replayGuard: guard,
    });
    if (!check.ok) {
      response.writeHead(401).end(check.code);
      return;
    }
    const { arguments: args } = JSON.parse(body) as { arguments: { guests: number } };
    switch (request.url) {
      case '/book':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ confirmed: true, guests: args.guests, ref: 'R-42' }));
        return;
      case '/slow':
        setTimeout(() => response.writeHead(200).end('"late"'), 3_000);
        return;
      case '/fail':
        response.writeHead(500).end('stack trace with secrets');
        return;
      case '/big':
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('x'.repeat(40_000));
        response.end('y'.repeat(40_000));
        return;
      default:
        response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
}

const parameters = {
  type: 'object',
  properties: { guests: { type: 'integer' } },
  required: ['guests'],
};

beforeAll(async () => {
  const base = await startBackend();
  const tool = (name: string, path: string, extra = {}) => ({
    name,
    description: `HTTP tool ${name}`,
    url: `${base}${path}`,
    parameters,
    ...extra,
  });
  harness = await startHarness({
    tools: {
      http: [
        tool('book_table', '/book', { headers: { 'X-Api-Version': '3' } }),
        tool('slow_tool', '/slow', { timeoutMs: 500 }),
        tool('failing_tool', '/fail'),
        tool('big_tool', '/big', { maxResponseBytes: 50_000 }),
      ],
    },
  });
  await harness.standIn.waitForTools(['book_table', 'slow_tool', 'failing_tool', 'big_tool']);
});

afterAll(async () => {
  await harness.stop();
  backend.closeAllConnections();
  await new Promise((resolve) => backend.close(resolve));
});

async function callTool(id: string, name: string): Promise<string> {
  await harness.standIn.play(toolCallTurn({ id, name, args: { guests: 4 } }));
  await eventually(() => toolOutputs(harness).has(id), `the response to ${id}`);
  return toolOutputs(harness).get(id) ?? '';
}

describe('HTTP tools', () => {
  it('POSTs signed JSON to the backend and returns its answer to the model', async () => {
    const output = await callTool('h1', 'book_table');
    expect(JSON.parse(output)).toEqual({ confirmed: true, guests: 4, ref: 'R-42' });
    const request = captured.find((c) => c.tool === 'book_table');
    expect(JSON.parse(request?.body ?? '')).toMatchObject({
      tool: 'book_table',
      arguments: { guests: 4 },
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      visitor: null,
    });
    expect(request?.signature).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it('lets the backend reject a replayed, altered or stale request', () => {
    const request = captured.find((c) => c.tool === 'book_table');
    if (!request) throw new Error('no captured request');
    const again = { secret: TOOL_SECRET, ...request, replayGuard: guard };
    expect(verifySignature(again)).toMatchObject({ ok: false, code: 'replayed' });
    expect(verifySignature({ ...again, body: '{"guests":40}' })).toMatchObject({
      ok: false,
      code: 'bad_signature',
    });
    const old = signRequest(TOOL_SECRET, request.body, Number(request.timestamp) - 3_600);
    expect(verifySignature({ secret: TOOL_SECRET, body: request.body, ...old })).toMatchObject({
      ok: false,
      code: 'stale_timestamp',
    });
    expect(
      verifySignature({
        secret: 'wrong',
        body: request.body,
        ...signRequest('other', request.body),
      }),
    ).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(
      verifySignature({ secret: TOOL_SECRET, body: '{}', timestamp: null, signature: 'v1=00' }),
    ).toMatchObject({ ok: false, code: 'missing_header' });
  });

  it('covers the visitor with the signature, and refuses a signed body that is no tool request', () => {
    const request = captured.find((c) => c.tool === 'book_table');
    if (!request) throw new Error('no captured request');
    const forged = JSON.stringify({ ...JSON.parse(request.body), visitor: { id: 'cust-2002' } });
    expect(verifySignature({ secret: TOOL_SECRET, ...request, body: forged })).toMatchObject({
      ok: false,
      code: 'bad_signature',
    });
    const notAToolRequest = '{"guests":4}';
    expect(
      verifySignature({
        secret: TOOL_SECRET,
        body: notAToolRequest,
        ...signRequest(TOOL_SECRET, notAToolRequest),
      }),
    ).toMatchObject({ ok: false, code: 'malformed_body' });
  });

  it('reports a timeout to the model', async () => {
    expect(await callTool('h2', 'slow_tool')).toBe('slow_tool: no answer within 500 ms');
  });

  it('reports an HTTP 500 without the backend body', async () => {
    const output = await callTool('h3', 'failing_tool');
    expect(output).toBe('failing_tool: the backend answered HTTP 500');
  });

  it('refuses a response over the size cap', async () => {
    expect(await callTool('h4', 'big_tool')).toBe(
      'big_tool: the response is larger than 50000 bytes',
    );
    expect(harness.closed).toBeUndefined();
  });
});
