import {
  CLIENT_TOOL_LIMITS,
  CLIENT_TOOLS_VERSION,
  checkToolDeclaration,
  type DeclareToolsRequest,
  type JsonSchema,
  TOOL_CALL_ERRORS,
  type ToolDeclaration,
} from '@voice-agent/protocol';
import { VoiceAgentError } from '../errors/errors.js';

/** A function of the host page that the agent may call. */
export interface ClientTool<Args = Record<string, unknown>> {
  /** `^[A-Za-z_][A-Za-z0-9_]{0,63}$`, the name the model sees. */
  name: string;
  /** What the tool does, for the model (at most 1,024 characters). */
  description: string;
  /** JSON Schema of the arguments object (at most 4 KiB as JSON). Default: no arguments. */
  parameters?: JsonSchema;
  /** Runs with the arguments object; its (awaited) return value is sent back as JSON. */
  handler: (args: Args) => unknown;
}

/** How a tool call ended: the RPC answer to send, and what the page's event reports. */
export type ToolCallOutcome =
  | { ok: true; name: string; arguments: unknown; result: unknown; response: string }
  | { ok: false; name: string; arguments: unknown; code: number; message: string };

function invalid(message: string): VoiceAgentError {
  return new VoiceAgentError('invalid_tool', message);
}

/** The protocol's rules (the agent's verdict, given at once), plus a handler and room for it. */
function validate(tool: ClientTool<never>, count: number, replacing: boolean): ToolDeclaration {
  if (!tool || typeof tool !== 'object') throw invalid('A tool must be an object.');
  const check = checkToolDeclaration(tool);
  if (!check.ok) throw invalid(`Tool ${JSON.stringify(check.name)}: ${check.message}.`);
  if (typeof tool.handler !== 'function')
    throw invalid(`Tool ${tool.name} needs a handler function.`);
  if (!replacing && count >= CLIENT_TOOL_LIMITS.maxTools) {
    throw invalid(`At most ${CLIENT_TOOL_LIMITS.maxTools} tools can be registered.`);
  }
  return check.declaration;
}

function parseCall(payload: string): { name: string; arguments: Record<string, unknown> } {
  try {
    const call = JSON.parse(payload) as { name?: unknown; arguments?: unknown };
    const args = call.arguments ?? {};
    if (typeof call.name === 'string' && typeof args === 'object' && !Array.isArray(args)) {
      return { name: call.name, arguments: args as Record<string, unknown> };
    }
  } catch {
    // fall through: a malformed call is answered as an unknown tool
  }
  return { name: '', arguments: {} };
}

/**
 * The page's client tools and their handlers: validation, the declaration payload and the
 * dispatch of calls. Plain (no LiveKit), so it works before the call code has loaded.
 */
export class PageToolRegistry {
  readonly #tools = new Map<string, { declaration: ToolDeclaration; tool: ClientTool<never> }>();
  readonly #listeners = new Set<() => void>();

  /** Adds a tool, or replaces the one with the same name. Throws `invalid_tool`. */
  register<Args>(tool: ClientTool<Args>): void {
    const candidate = tool as unknown as ClientTool<never>;
    const declaration = validate(candidate, this.#tools.size, this.#tools.has(tool?.name));
    this.#tools.set(declaration.name, { declaration, tool: candidate });
    this.#changed();
  }

  /** Removes a tool; returns whether there was one. */
  unregister(name: string): boolean {
    const removed = this.#tools.delete(name);
    if (removed) this.#changed();
    return removed;
  }

  /** Names of the registered tools. */
  get names(): string[] {
    return [...this.#tools.keys()];
  }

  /** Calls `listener` after every change; returns a function that stops it. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The `voice-agent.declare-tools` request payload: the whole set. */
  declarationPayload(): string {
    const tools = [...this.#tools.values()].map(({ declaration }) => declaration);
    const request: DeclareToolsRequest = { version: CLIENT_TOOLS_VERSION, tools };
    return JSON.stringify(request);
  }

  /** Runs the handler a `voice-agent.tool-call` request names and says how it went. */
  async call(payload: string): Promise<ToolCallOutcome> {
    const { name, arguments: args } = parseCall(payload);
    const entry = this.#tools.get(name);
    if (!entry) {
      const message = `No client tool named ${JSON.stringify(name)} is registered.`;
      return { ok: false, name, arguments: args, code: TOOL_CALL_ERRORS.unknownTool, message };
    }
    let result: unknown;
    try {
      result = await entry.tool.handler(args as never);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, name, arguments: args, code: TOOL_CALL_ERRORS.toolFailed, message };
    }
    let response: string | undefined;
    try {
      response = JSON.stringify({ result: result === undefined ? null : result });
    } catch {
      // circular structures and BigInt land here
    }
    if (response === undefined) {
      const message = `The result of ${name} is not JSON-serialisable.`;
      return { ok: false, name, arguments: args, code: TOOL_CALL_ERRORS.invalidResult, message };
    }
    return { ok: true, name, arguments: args, result, response };
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
