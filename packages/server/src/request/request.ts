import { z } from 'zod';
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
  /** A resume ticket from an earlier answer: rejoin that room as that participant. */
  resume_ticket?: string;
}

/** Absent, `null` and `""` all mean "not given". */
const absent = (value: unknown) => (value === null || value === '' ? undefined : value);
const text = z.preprocess(absent, z.string({ error: 'must be a string' }).optional());
const orAbsent = <T extends z.ZodType>(schema: T) => z.preprocess(absent, schema.optional());

const agentSchema = z.object(
  { agent_name: text, metadata: text, deployment: text },
  { error: 'must be an object' },
);

/** Unknown fields are dropped (zod's default for objects). */
const bodySchema = z.object(
  {
    room_name: text,
    participant_identity: text,
    participant_name: text,
    participant_metadata: text,
    resume_ticket: text,
    participant_attributes: orAbsent(
      z.record(z.string(), z.string({ error: 'must be a string' }), {
        error: 'must be an object of strings',
      }),
    ),
    room_config: orAbsent(
      z.object(
        {
          agents: orAbsent(
            z
              .array(agentSchema, { error: 'must be an array' })
              .max(1, { error: 'may name one agent at most' }),
          ),
        },
        { error: 'must be an object' },
      ),
    ),
  },
  { error: 'must be a JSON object' },
);

/**
 * Checks the parsed JSON body field by field. zod called here, not through `hono/validator`:
 * the Express comparison of the bench shares it, and a bad content type or malformed JSON
 * keeps its own stable code (`readJson`).
 * @throws {RequestRefusal} `invalid_request`, naming the first offending field.
 */
export function parseTokenRequest(json: unknown): TokenRequestBody {
  const parsed = bodySchema.safeParse(json);
  if (parsed.success) return withoutAbsent(parsed.data);
  const issue = parsed.error.issues[0];
  const where = issue?.path.reduce<string>(
    (path, key) =>
      typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${String(key)}` : String(key),
    '',
  );
  throw new RequestRefusal(
    'invalid_request',
    `${where || 'the body'} ${issue?.message ?? 'is not valid'}`,
  );
}

/** The body without the keys zod keeps as `undefined`, as `exactOptionalPropertyTypes` wants. */
function withoutAbsent(data: z.infer<typeof bodySchema>): TokenRequestBody {
  const { room_config, ...fields } = data;
  const body = Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as TokenRequestBody;
  if (room_config?.agents) {
    body.room_config = {
      agents: room_config.agents.map(
        (agent) =>
          Object.fromEntries(
            Object.entries(agent).filter(([, value]) => value !== undefined),
          ) as AgentRequest,
      ),
    };
  }
  return body;
}
