// The same path with Express: the token service mounted through @hono/node-server, the
// login cookie read in the hook, and the HTTP tool verified on the raw body.
import { getRequestListener } from '@hono/node-server';
import { ReplayGuard, verifySignature } from '@voice-agent/agent';
import { createTokenService } from '@voice-agent/server';
import express from 'express';

const sessions = new Map([['s3cr3t-session', { id: 'cust-1001', name: 'Grace', plan: 'gold' }]]);
const orders = [{ id: 'ORD-1', customerId: 'cust-1001', status: 'shipped' }];

/** The value of one cookie in a Cookie header. */
function cookie(header: string | null, name: string): string | undefined {
  const pair = (header ?? '').split(';').find((part) => part.trim().startsWith(`${name}=`));
  return pair ? decodeURIComponent(pair.trim().slice(name.length + 1)) : undefined;
}

const tokens = createTokenService({
  allowedOrigins: ['https://www.example.com'],
  authorize({ request }) {
    const user = sessions.get(cookie(request.headers.get('cookie'), 'session') ?? '');
    if (!user) return true;
    return { allow: true, visitor: { id: user.id, name: user.name, claims: { plan: user.plan } } };
  },
});

const app = express();
// Before any body parser: the token service reads the body itself.
app.use('/voice', getRequestListener(tokens.fetch));

const replayGuard = new ReplayGuard();
app.post('/voice-agent/order-status', express.raw({ type: 'application/json' }), (req, res) => {
  const check = verifySignature({
    secret: process.env.VOICE_AGENT_TOOL_SECRET ?? '',
    body: req.body,
    timestamp: req.get('X-Voice-Agent-Timestamp'),
    signature: req.get('X-Voice-Agent-Signature'),
    replayGuard,
  });
  if (!check.ok) return void res.status(401).json({ error: check.code });
  if (!check.visitor) return void res.json({ found: false, reason: 'Please sign in first.' });
  const mine = orders.filter((order) => order.customerId === check.visitor?.id);
  res.json(mine.at(-1) ?? { found: false, reason: 'No orders on your account.' });
});

app.listen(8787);
