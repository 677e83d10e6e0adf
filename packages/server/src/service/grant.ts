import type { AllowDecision, AuthorizeDecision } from '../config/options.js';
import { RequestRefusal } from '../errors/errors.js';
import type { TokenRequestBody } from '../request/request.js';
import { randomIdentity, randomRoomName } from '../tokens/tokens.js';
import { encodeVisitor, VISITOR_ATTRIBUTE } from '../visitor/visitor.js';

/** Who joins where: the part of a token the request and the hook decide. */
export interface TokenPlan {
  roomName: string;
  identity: string;
  name: string | undefined;
  metadata: string | undefined;
  attributes: Record<string, string> | undefined;
  agentName: string;
  agentMetadata: string | undefined;
}

/**
 * The agent to dispatch: the one the client names in `room_config.agents[0].agent_name`
 * if it is configured, the first configured one if the client names none.
 * @throws {RequestRefusal} `agent_not_allowed` for any other name.
 */
export function chooseAgent(agentNames: readonly string[], body: TokenRequestBody): string {
  const requested = body.room_config?.agents?.[0]?.agent_name;
  if (requested === undefined) return agentNames[0] as string;
  if (!agentNames.includes(requested)) {
    throw new RequestRefusal('agent_not_allowed', `agent "${requested}" is not available here`);
  }
  return requested;
}

/**
 * Turns the hook's answer into an allow decision.
 * @throws {RequestRefusal} `unauthorized` when the hook refuses.
 * @throws {TypeError} when the hook answers something malformed (a host bug: answered as 500).
 */
export function toAllowDecision(decision: AuthorizeDecision): AllowDecision {
  if (decision === undefined || decision === true) return { allow: true };
  if (decision === false) throw new RequestRefusal('unauthorized', 'not authorized');
  if (typeof decision !== 'object' || decision === null || typeof decision.allow !== 'boolean') {
    throw new TypeError('authorize must return a boolean, undefined or { allow, ... }');
  }
  if (!decision.allow) {
    throw new RequestRefusal('unauthorized', decision.message || 'not authorized');
  }
  for (const field of ['roomName', 'identity', 'name', 'metadata', 'agentMetadata'] as const) {
    const value = decision[field];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new TypeError(`authorize returned an invalid ${field}: expected a non-empty string`);
    }
  }
  if (decision.visitor !== undefined) encodeVisitor(decision.visitor);
  return decision;
}

/**
 * The token's attributes: the hook's, without the reserved visitor key (a hook that copies
 * the client's attributes must not let the page name itself), plus the encoded visitor.
 */
function attributesOf(allow: AllowDecision): Record<string, string> | undefined {
  const { [VISITOR_ATTRIBUTE]: _dropped, ...own } = allow.attributes ?? {};
  if (allow.visitor !== undefined) own[VISITOR_ATTRIBUTE] = encodeVisitor(allow.visitor);
  return Object.keys(own).length > 0 || allow.attributes ? own : undefined;
}

/**
 * Decides room, identity and profile. The server picks a fresh room and identity unless the
 * hook picks them; a client that asks for a room or identity gets it only if the hook picked
 * exactly that one. The client's own name, metadata and attributes are ignored: the hook
 * passes on what it accepts. The hook's `visitor` goes into the reserved attribute.
 * @throws {RequestRefusal} `room_not_allowed` / `identity_not_allowed`.
 */
export function planToken(
  body: TokenRequestBody,
  allow: AllowDecision,
  agentName: string,
): TokenPlan {
  if (body.room_name !== undefined && body.room_name !== allow.roomName) {
    throw new RequestRefusal(
      'room_not_allowed',
      'room_name cannot be chosen by the client: the server picks the room',
    );
  }
  if (body.participant_identity !== undefined && body.participant_identity !== allow.identity) {
    throw new RequestRefusal(
      'identity_not_allowed',
      'participant_identity cannot be chosen by the client: the server picks the identity',
    );
  }
  return {
    roomName: allow.roomName ?? randomRoomName(),
    identity: allow.identity ?? randomIdentity(),
    name: allow.name ?? allow.visitor?.name,
    metadata: allow.metadata,
    attributes: attributesOf(allow),
    agentName,
    agentMetadata: allow.agentMetadata,
  };
}
