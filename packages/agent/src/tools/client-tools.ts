import { llm } from '@livekit/agents';
import {
  CLIENT_TOOL_LIMITS,
  CLIENT_TOOLS_VERSION,
  checkToolDeclaration,
  DECLARE_TOOLS_METHOD,
  type DeclareToolsResponse,
  type RejectedTool,
  type RejectionCode,
  type ToolDeclaration,
} from '@voice-agent/protocol';
import { withinTimeLimit } from '../time-limit.js';
import { callCancellation, type ToolCallCancellations } from './cancellation.js';
import { ClientToolCallError, type ClientToolTransport } from './client-transport.js';

// The protocol's names and types (@voice-agent/protocol), under the names this package has
// always exported.
export { DECLARE_TOOLS_METHOD, type RejectedTool, type RejectionCode };
export const MAX_CLIENT_TOOLS = CLIENT_TOOL_LIMITS.maxTools;
export const MAX_DESCRIPTION_LENGTH = CLIENT_TOOL_LIMITS.maxDescriptionLength;
export const MAX_SCHEMA_BYTES = CLIENT_TOOL_LIMITS.maxSchemaBytes;
/** A tool the page declared and the agent accepted. */
export type ClientToolDeclaration = ToolDeclaration;
/** The agent's answer to a declaration, sent back to the page. */
export type DeclarationResult = DeclareToolsResponse;

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

/**
 * One declared tool: the protocol's own rules (`checkToolDeclaration`, the same the widget
 * applies), then the agent's policy. A bad name is reported before the policy, since the
 * other rules need a name.
 */
function checkTool(
  raw: unknown,
  policy: ClientToolPolicy,
  reserved: ReadonlySet<string>,
  seen: Set<string>,
): RejectedTool | ClientToolDeclaration {
  const check = checkToolDeclaration(raw);
  const { name } = check.ok ? check.declaration : check;
  const reject = (code: RejectionCode, message: string): RejectedTool => ({ name, code, message });
  if (!policy.enabled) return reject('client_tools_disabled', 'client tools are not enabled');
  if (!check.ok && check.code === 'invalid_name') return reject(check.code, check.message);
  if (seen.has(name)) return reject('duplicate_name', 'declared more than once');
  seen.add(name);
  if (reserved.has(name)) return reject('name_conflict', 'the agent has a tool of that name');
  if (policy.allow && !policy.allow.includes(name)) {
    return reject('not_allowed', 'not in the agent configuration’s clientTools.allow');
  }
  return check.ok ? check.declaration : reject(check.code, check.message);
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
  if (payload.version !== CLIENT_TOOLS_VERSION) {
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
 * becomes a tool error for the model. A call the turn's interruption or the model
 * (`cancellations`) cancels stops waiting at once, and the page is told.
 */
export function createClientTool(
  declaration: ClientToolDeclaration,
  transport: ClientToolTransport,
  timeoutMs: number,
  cancellations?: ToolCallCancellations,
): llm.FunctionTool {
  const { name } = declaration;
  return llm.tool({
    name,
    description: declaration.description,
    parameters: declaration.parameters,
    execute: async (args: unknown, { toolCallId, abortSignal }) => {
      const cancellation = callCancellation(abortSignal, cancellations?.signalFor(toolCallId));
      const cancelled = new Promise<never>((_, reject) => {
        cancellation.signal.addEventListener('abort', () =>
          reject(
            new ClientToolCallError('cancelled', `the call was ${cancellation.signal.reason}`),
          ),
        );
      });
      try {
        const argsObject = isPlainObject(args) ? args : {};
        const call = { callId: toolCallId, signal: cancellation.signal };
        // The transport should time out by itself; this limit keeps a broken one from hanging.
        return await withinTimeLimit(
          Promise.race([transport.call(name, argsObject, timeoutMs, call), cancelled]),
          timeoutMs + 1_000,
          () => new ClientToolCallError('timeout', 'the page did not answer in time'),
        );
      } catch (error) {
        const message =
          error instanceof ClientToolCallError ? `${error.code}: ${error.message}` : 'failed';
        throw new llm.ToolError(`${name} (in the visitor's browser): ${message}`);
      } finally {
        cancellation.dispose();
        cancellations?.release(toolCallId);
      }
    },
  });
}
