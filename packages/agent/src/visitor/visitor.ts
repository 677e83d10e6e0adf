import { log, type voice } from '@livekit/agents';
import { z } from 'zod';

/**
 * The participant attribute holding the verified visitor, as `@voice-agent/server` writes it
 * into the signed token (JSON `{ id, name?, claims? }`). Tokens from that service forbid a
 * participant to change its own attributes, so this is what the host's login decided.
 */
export const VISITOR_ATTRIBUTE = 'voice-agent.visitor';

/** A claim's value: plain data only. */
export type VisitorClaim = string | number | boolean;

/** The signed-in visitor the agent serves, as the host's `authorize` hook returned it. */
export interface Visitor {
  /** The host's own id of the visitor (a customer or account id). */
  id: string;
  /** The name the agent may address the visitor by. */
  name?: string;
  /** Site-defined facts, e.g. `{ plan: 'gold', locale: 'fr-FR' }`. */
  claims?: Record<string, VisitorClaim>;
}

/** The session's `userData` (what server tools see as `ctx.userData`). */
export interface VoiceAgentUserData {
  /** The verified visitor, or `null` for an anonymous one. */
  visitor: Visitor | null;
}

const text = z.string().min(1).max(256);
const visitorSchema = z.object({
  id: text,
  name: text.optional(),
  claims: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/),
      z.union([z.string().max(512), z.number(), z.boolean()]),
    )
    .refine((claims) => Object.keys(claims).length <= 32, 'at most 32 claims')
    .optional(),
});

/**
 * Parses the attribute value. A missing value is an anonymous visitor; a malformed one (not
 * written by the token service) is logged and treated as anonymous, never half-trusted.
 */
export function parseVisitor(value: string | undefined): Visitor | null {
  if (value === undefined || value === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    json = undefined;
  }
  const parsed = visitorSchema.safeParse(json);
  if (!parsed.success) {
    log().warn(`ignoring a malformed ${VISITOR_ATTRIBUTE} attribute: the visitor is anonymous`);
    return null;
  }
  const { id, name, claims } = parsed.data;
  return {
    id,
    ...(name === undefined ? {} : { name }),
    ...(claims === undefined ? {} : { claims }),
  };
}

/**
 * The verified visitor of a participant, read from the attributes it joined with. Read once,
 * when the participant is first seen: what arrives later in the room is not consulted.
 */
export function visitorOfParticipant(participant: {
  attributes: Record<string, string>;
}): Visitor | null {
  return parseVisitor(participant.attributes[VISITOR_ATTRIBUTE]);
}

/**
 * The verified visitor of the session a tool runs in: pass the `ctx` of a tool's execute
 * options. `null` for an anonymous visitor or outside a voice-agent session.
 * @example
 * ```ts
 * serverTool({ name: 'my_plan', description: '…',
 *   execute: async (_, { ctx }) => visitorOf(ctx)?.claims?.plan ?? 'not signed in' });
 * ```
 */
export function visitorOf(
  ctx: Pick<voice.RunContext<unknown>, 'userData'> | undefined,
): Visitor | null {
  try {
    const data = ctx?.userData as Partial<VoiceAgentUserData> | undefined;
    return data?.visitor ?? null;
  } catch {
    // The framework throws when a session has no userData: not one of ours.
    return null;
  }
}
