import { llm } from '@livekit/agents';
import { TOOL_NAME_PATTERN } from '../config/schema.js';
import { ClientToolCallError, type ClientToolTransport } from './client-transport.js';

/** RPC method the page calls to declare its tools (docs/protocol.md). */
export const DECLARE_TOOLS_METHOD = 'voice-agent.declare-tools';
export const MAX_CLIENT_TOOLS = 16;
export const MAX_DESCRIPTION_LENGTH = 1024;
export const MAX_SCHEMA_BYTES = 4 * 1024;

/** Why a declared tool was refused (docs/protocol.md, section 2). */
export type RejectionCode =
  | 'client_tools_disabled'
  | 'not_allowed'
  | 'invalid_name'
  | 'name_conflict'
  | 'duplicate_name'
  | 'too_many_tools'
  | 'description_too_long'
  | 'schema_too_large'
  | 'invalid_schema';

/** A tool the page declared and the agent accepted. */
export interface ClientToolDeclaration {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface RejectedTool {
  name: string;
  code: RejectionCode;
  message: string;
}

/** The agent's answer to a declaration, sent back to the page. */
export interface DeclarationResult {
  accepted: string[];
  rejected: RejectedTool[];
}

/** The config's client-tool policy. */
export interface ClientToolPolicy {
  enabled: boolean;
  allow?: string[] | undefined;
}

/** A declaration payload that is not version 1 JSON; answered with an RPC error. */
export class DeclarationPayloadError extends Error {
  constructor(
    readonly code: 'invalid_payload' | 'unsupported_version',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'DeclarationPayloadError';
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function displayName(raw: unknown): string {
  return typeof raw === 'string' ? raw.slice(0, 100) : String(raw).slice(0, 100);
}

function checkTool(
  raw: unknown,
  policy: ClientToolPolicy,
  reserved: ReadonlySet<string>,
  seen: Set<string>,
): RejectedTool | ClientToolDeclaration {
  const tool = isPlainObject(raw) ? raw : {};
  const name = displayName(tool.name);
  const reject = (code: RejectionCode, message: string): RejectedTool => ({ name, code, message });
  if (!policy.enabled) return reject('client_tools_disabled', 'client tools are not enabled');
  if (typeof tool.name !== 'string' || !TOOL_NAME_PATTERN.test(tool.name)) {
    return reject('invalid_name', 'name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$');
  }
  if (seen.has(tool.name)) return reject('duplicate_name', 'declared more than once');
  seen.add(tool.name);
  if (reserved.has(tool.name)) return reject('name_conflict', 'the agent has a tool of that name');
  if (policy.allow && !policy.allow.includes(tool.name)) {
    return reject('not_allowed', 'not in the agent configuration’s clientTools.allow');
  }
  const description = tool.description ?? '';
  if (typeof description !== 'string') return reject('invalid_schema', 'description not a string');
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    return reject('description_too_long', `description over ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  const parameters = tool.parameters ?? { type: 'object', properties: {} };
  if (
    !isPlainObject(parameters) ||
    parameters.type !== 'object' ||
    (parameters.properties !== undefined && !isPlainObject(parameters.properties)) ||
    (parameters.required !== undefined && !Array.isArray(parameters.required))
  ) {
    return reject('invalid_schema', 'parameters must be a JSON Schema with "type": "object"');
  }
  if (Buffer.byteLength(JSON.stringify(parameters)) > MAX_SCHEMA_BYTES) {
    return reject('schema_too_large', `parameters over ${MAX_SCHEMA_BYTES} bytes as JSON`);
  }
  return { name: tool.name, description, parameters };
}

/**
 * Checks a `voice-agent.declare-tools` payload against the policy. The page is untrusted:
 * every tool either passes every rule or is rejected with a code; nothing is renamed.
 * @param reserved names of the agent's server and HTTP tools.
 * @throws {DeclarationPayloadError} when the payload is not a version 1 declaration.
 */
export function validateDeclarations(
  payload: unknown,
  policy: ClientToolPolicy,
  reserved: ReadonlySet<string>,
): { tools: ClientToolDeclaration[]; result: DeclarationResult } {
  if (!isPlainObject(payload)) {
    throw new DeclarationPayloadError('invalid_payload', 'expected a JSON object');
  }
  if (payload.version !== 1) {
    throw new DeclarationPayloadError('unsupported_version', 'this agent speaks version 1');
  }
  if (!Array.isArray(payload.tools)) {
    throw new DeclarationPayloadError('invalid_payload', '"tools" must be an array');
  }
  const tools: ClientToolDeclaration[] = [];
  const rejected: RejectedTool[] = [];
  const seen = new Set<string>();
  for (const raw of payload.tools) {
    const checked = checkTool(raw, policy, reserved, seen);
    if ('code' in checked) rejected.push(checked);
    else if (tools.length >= MAX_CLIENT_TOOLS) {
      rejected.push({
        name: checked.name,
        code: 'too_many_tools',
        message: `at most ${MAX_CLIENT_TOOLS} client tools`,
      });
    } else tools.push(checked);
  }
  return { tools, result: { accepted: tools.map((t) => t.name), rejected } };
}

/**
 * Makes the framework tool for an accepted declaration: the model sees the page's name,
 * description and parameters unchanged; a call goes through the transport, and any failure
 * becomes a tool error for the model.
 */
export function createClientTool(
  declaration: ClientToolDeclaration,
  transport: ClientToolTransport,
  timeoutMs: number,
): llm.FunctionTool {
  const { name } = declaration;
  return llm.tool({
    name,
    description: declaration.description,
    parameters: declaration.parameters,
    execute: async (args: unknown) => {
      let timer: NodeJS.Timeout | undefined;
      // The transport should time out by itself; this guard keeps a broken one from hanging.
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ClientToolCallError('timeout', 'the page did not answer in time')),
          timeoutMs + 1_000,
        );
      });
      try {
        const argsObject = isPlainObject(args) ? args : {};
        return await Promise.race([transport.call(name, argsObject, timeoutMs), deadline]);
      } catch (error) {
        const message =
          error instanceof ClientToolCallError ? `${error.code}: ${error.message}` : 'failed';
        throw new llm.ToolError(`${name} (in the visitor's browser): ${message}`);
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
