import { RequestRefusal } from '../errors/errors.js';

/** An agent the client asks for, as livekit-client's `TokenSource.endpoint` sends it. */
export interface AgentRequest {
  agent_name?: string;
  metadata?: string;
  deployment?: string;
}

/**
 * The body of `POST /token`: livekit-client's `TokenSourceRequest` in LiveKit's field names.
 * Empty strings are treated as absent. Unknown fields are ignored.
 */
export interface TokenRequestBody {
  room_name?: string;
  participant_identity?: string;
  participant_name?: string;
  participant_metadata?: string;
  participant_attributes?: Record<string, string>;
  room_config?: { agents?: AgentRequest[] };
}

const STRING_FIELDS = [
  'room_name',
  'participant_identity',
  'participant_name',
  'participant_metadata',
] as const;

/**
 * Checks the parsed JSON body field by field.
 * @throws {RequestRefusal} `invalid_request`, naming the first offending field.
 */
export function parseTokenRequest(json: unknown): TokenRequestBody {
  if (!isObject(json)) throw invalid('the body must be a JSON object');
  const body: TokenRequestBody = {};
  for (const field of STRING_FIELDS) {
    const value = optionalString(json[field], field);
    if (value !== undefined) body[field] = value;
  }
  const attributes = json.participant_attributes;
  if (attributes !== undefined && attributes !== null) {
    if (!isObject(attributes)) throw invalid('participant_attributes must be an object of strings');
    for (const [name, value] of Object.entries(attributes)) {
      if (typeof value !== 'string') {
        throw invalid(`participant_attributes.${name} must be a string`);
      }
    }
    body.participant_attributes = attributes as Record<string, string>;
  }
  const roomConfig = json.room_config;
  if (roomConfig !== undefined && roomConfig !== null) {
    if (!isObject(roomConfig)) throw invalid('room_config must be an object');
    const agents = roomConfig.agents;
    if (agents !== undefined && agents !== null) {
      if (!Array.isArray(agents)) throw invalid('room_config.agents must be an array');
      if (agents.length > 1) throw invalid('room_config.agents may name one agent at most');
      body.room_config = { agents: agents.map(parseAgent) };
    }
  }
  return body;
}

function parseAgent(agent: unknown, index: number): AgentRequest {
  const path = `room_config.agents[${index}]`;
  if (!isObject(agent)) throw invalid(`${path} must be an object`);
  const parsed: AgentRequest = {};
  for (const field of ['agent_name', 'metadata', 'deployment'] as const) {
    const value = optionalString(agent[field], `${path}.${field}`);
    if (value !== undefined) parsed[field] = value;
  }
  return parsed;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): RequestRefusal {
  return new RequestRefusal('invalid_request', message);
}
