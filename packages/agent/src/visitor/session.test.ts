import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initializeLogger, llm } from '@livekit/agents';
import { waitFor } from '@voice-agent/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeminiLiveStandIn, toolCallTurn } from '../testing/index.js';
import { ReplayGuard, type SignatureCheck, verifySignature } from '../tools/signature.js';
import type { VoiceAgentSession } from '../worker/session.js';
import { createTestSession } from '../worker/test-session.test-helper.js';
import { VISITOR_DATA_NOTE } from './persona.js';
import { type Visitor, visitorOf } from './visitor.js';

initializeLogger({ pretty: false, level: 'fatal' });

const SECRET = 'visitor-test-secret';
const GRACE: Visitor = { id: 'cust-1001', name: 'Grace Hopper', claims: { plan: 'gold' } };

/** What the backend verified, per request. */
const checks: SignatureCheck[] = [];
let backend: Server;
let backendUrl: string;

beforeAll(async () => {
  const guard = new ReplayGuard();
  backend = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const check = verifySignature({
        secret: SECRET,
        body: Buffer.concat(chunks),
        timestamp: request.headers['x-voice-agent-timestamp'] as string,
        signature: request.headers['x-voice-agent-signature'] as string,
        replayGuard: guard,
      });
      checks.push(check);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ customer: check.ok ? (check.visitor?.id ?? null) : 'refused' }),
      );
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/orders`;
});

afterAll(async () => {
  backend.closeAllConnections();
  await new Promise((resolve) => backend.close(resolve));
});

/** One session for `visitor` on a fresh stand-in, with a server tool and an HTTP tool. */
async function sessionFor(visitor: Visitor | null) {
  const standIn = await GeminiLiveStandIn.start();
  const whoAmI = llm.tool({
    name: 'who_am_i',
    description: 'The signed-in visitor',
    execute: async (_, { ctx }) => ({ visitor: visitorOf(ctx) }),
  });
  const built: VoiceAgentSession = createTestSession(standIn, {
    config: {
      instructions:
        'You serve {{visitor.name|an anonymous visitor}} on plan {{visitor.claims.plan|none}}.',
      greeting: 'Hello {{visitor.name|there}}!',
      tools: {
        server: [whoAmI],
        http: [{ name: 'order_status', description: 'Orders', url: backendUrl }],
      },
    },
    toolSecret: SECRET,
    session: { visitor },
  });
  await built.session.start({ agent: built.agent });
  const { message } = await standIn.waitForTools(['who_am_i', 'order_status']);
  const outputs = async (id: string, name: string) => {
    await standIn.play(toolCallTurn({ id, name }));
    return waitFor(
      () =>
        standIn
          .messages('toolResponse')
          .flatMap((m) => m.message.toolResponse.functionResponses)
          .find((r: { id: string }) => r.id === id)?.response.output as string | undefined,
      { timeoutMs: 5_000, what: `the result of ${name}` },
    );
  };
  const greeting = async () => {
    await built.greet(0);
    return waitFor(
      () =>
        standIn
          .messages('clientContent')
          .map((m) => JSON.stringify(m.message))
          .find((text) => text.includes('saying exactly')),
      { timeoutMs: 5_000, what: 'the greeting request' },
    );
  };
  return {
    instructions: message.setup.systemInstruction.parts[0].text as string,
    outputs,
    greeting,
    async close() {
      await built.session.close();
      await standIn.close();
    },
  };
}

describe('the verified visitor in a session', () => {
  it('reaches the persona, the greeting, server tools and, signed, HTTP tools', async () => {
    const session = await sessionFor(GRACE);
    try {
      expect(session.instructions).toBe(
        `You serve "Grace Hopper" on plan "gold".\n\n${VISITOR_DATA_NOTE}`,
      );
      expect(await session.greeting()).toContain('Hello Grace Hopper!');
      expect(JSON.parse(await session.outputs('s1', 'who_am_i'))).toEqual({ visitor: GRACE });
      expect(JSON.parse(await session.outputs('h1', 'order_status'))).toEqual({
        customer: 'cust-1001',
      });
      const check = checks.at(-1);
      expect(check).toMatchObject({ ok: true, visitor: GRACE, request: { tool: 'order_status' } });
    } finally {
      await session.close();
    }
  });

  it('gives an anonymous visitor the fallbacks, and tools a null visitor', async () => {
    const session = await sessionFor(null);
    try {
      expect(session.instructions).toBe('You serve an anonymous visitor on plan none.');
      expect(await session.greeting()).toContain('Hello there!');
      expect(JSON.parse(await session.outputs('s2', 'who_am_i'))).toEqual({ visitor: null });
      expect(JSON.parse(await session.outputs('h2', 'order_status'))).toEqual({ customer: null });
      expect(checks.at(-1)).toMatchObject({ ok: true, visitor: null });
    } finally {
      await session.close();
    }
  });
});
