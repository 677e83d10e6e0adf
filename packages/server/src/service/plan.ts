import type { Context } from 'hono';
import type { ResolvedConfig } from '../config/config.js';
import { RequestRefusal } from '../errors/errors.js';
import { clientIp } from '../rate-limit/client-ip.js';
import type { TokenRequestBody } from '../request/request.js';
import type { ResumeTickets } from '../resume/ticket.js';
import { chooseAgent, planToken, type TokenPlan, toAllowDecision } from './grant.js';

/**
 * Who joins where, for one `POST /token`: a fresh plan from the request and the `authorize`
 * hook, or, for a resume ticket, the ticket's own room, identity and profile once the hook
 * allows it.
 * @throws {RequestRefusal} for a refused request or ticket.
 */
export async function planRequest(
  c: Context,
  body: TokenRequestBody,
  config: ResolvedConfig,
  tickets: ResumeTickets | undefined,
): Promise<TokenPlan> {
  const origin = c.req.header('origin');
  const ask = (resume?: { roomName: string; identity: string }) =>
    config.authorize?.({
      request: c.req.raw,
      body,
      origin,
      clientIp: clientIp(c, config.trustProxy),
      context: c,
      ...(resume && { resume }),
    });
  if (body.resume_ticket === undefined) {
    const agentName = chooseAgent(config.agentNames, body);
    return planToken(body, toAllowDecision(await ask()), agentName);
  }
  if (!tickets) {
    throw new RequestRefusal('ticket_invalid', 'resume tickets are turned off on this service');
  }
  const plan = await tickets.redeem(body.resume_ticket, origin);
  if (body.room_name !== undefined && body.room_name !== plan.roomName) {
    throw new RequestRefusal('room_not_allowed', 'a resume ticket rejoins its own room only');
  }
  if (body.participant_identity !== undefined && body.participant_identity !== plan.identity) {
    throw new RequestRefusal('identity_not_allowed', 'a resume ticket rejoins as its own identity');
  }
  toAllowDecision(await ask({ roomName: plan.roomName, identity: plan.identity }));
  return plan;
}
