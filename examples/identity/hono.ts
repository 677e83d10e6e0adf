// The whole path on one Hono app: the site's login cookie → the token service's authorize
// hook → the visitor signed into the token → the agent → a signed HTTP tool request that
// says which customer asked. Run the agent worker with an HTTP tool pointing at
// /voice-agent/order-status and the same VOICE_AGENT_TOOL_SECRET.
import { serve } from '@hono/node-server';
import { ReplayGuard, verifySignature } from '@voice-agent/agent';
import { createTokenService } from '@voice-agent/server';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';

// Your own login: here a map from session cookie to customer.
const sessions = new Map([['s3cr3t-session', { id: 'cust-1001', name: 'Grace', plan: 'gold' }]]);
const orders = [{ id: 'ORD-1', customerId: 'cust-1001', status: 'shipped' }];

const app = new Hono();

// 1. The token service: who the visitor is comes from your session, never from the page.
app.route(
  '/voice',
  createTokenService({
    allowedOrigins: ['https://www.example.com'],
    authorize({ context }) {
      const user = sessions.get(getCookie(context, 'session') ?? '');
      if (!user) return true; // anonymous visitors still talk; tools see visitor: null
      return {
        allow: true,
        visitor: { id: user.id, name: user.name, claims: { plan: user.plan } },
      };
    },
  }),
);

// 2. The HTTP tool: trust the visitor only from a request whose signature verifies.
const replayGuard = new ReplayGuard();
app.post('/voice-agent/order-status', async (c) => {
  const check = verifySignature({
    secret: process.env.VOICE_AGENT_TOOL_SECRET ?? '',
    body: new Uint8Array(await c.req.arrayBuffer()), // the raw bytes
    timestamp: c.req.header('X-Voice-Agent-Timestamp'),
    signature: c.req.header('X-Voice-Agent-Signature'),
    replayGuard,
  });
  if (!check.ok) return c.json({ error: check.code }, 401);
  if (!check.visitor) return c.json({ found: false, reason: 'Please sign in first.' });
  const mine = orders.filter((order) => order.customerId === check.visitor?.id);
  return c.json(mine.at(-1) ?? { found: false, reason: 'No orders on your account.' });
});

serve({ fetch: app.fetch, port: 8787 });
