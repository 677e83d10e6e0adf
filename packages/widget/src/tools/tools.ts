import { VoiceAgentError } from '../errors/errors.js';

/** A JSON Schema object describing a tool's arguments. */
export type JsonSchema = { type: 'object'; [key: string]: unknown };

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

/** A tool as declared to the agent (the handler stays in the page). */
export interface ToolDeclaration {
  name: string;
  description: string;
  parameters: JsonSchema;
}

/** RPC method names and error codes of the client-tool protocol (docs/protocol.md, v1). */
export const TOOL_PROTOCOL = {
  version: 1,
  callMethod: 'voice-agent.tool-call',
  declareMethod: 'voice-agent.declare-tools',
  toolFailed: 2001,
  unknownTool: 2002,
  invalidResult: 2003,
} as const;

/** Limits the agent enforces; checked here too, so the page hears about a bad tool at once. */
export const TOOL_LIMITS = {
  namePattern: /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
  maxTools: 16,
  maxDescription: 1024,
  maxSchemaBytes: 4096,
} as const;

/** How a tool call ended: the RPC answer to send, and what the page's event reports. */
export type ToolCallOutcome =
  | { ok: true; name: string; arguments: unknown; result: unknown; response: string }
  | { ok: false; name: string; arguments: unknown; code: number; message: string };

const EMPTY_PARAMETERS: JsonSchema = { type: 'object', properties: {} };

function invalid(message: string): VoiceAgentError {
  return new VoiceAgentError('invalid_tool', message);
}

function validate(tool: ClientTool<never>, count: number, replacing: boolean): ToolDeclaration {
  if (!tool || typeof tool !== 'object') throw invalid('A tool must be an object.');
  const { name, description, parameters = EMPTY_PARAMETERS, handler } = tool;
  if (typeof name !== 'string' || !TOOL_LIMITS.namePattern.test(name)) {
    throw invalid(`Tool name ${JSON.stringify(name)} must match ${TOOL_LIMITS.namePattern}.`);
  }
  if (typeof handler !== 'function') throw invalid(`Tool ${name} needs a handler function.`);
  if (typeof description !== 'string' || description.length > TOOL_LIMITS.maxDescription) {
    throw invalid(`Tool ${name} needs a description of at most 1,024 characters.`);
  }
  if (!parameters || typeof parameters !== 'object' || parameters.type !== 'object') {
    throw invalid(`Tool ${name}: parameters must be a JSON Schema with "type": "object".`);
  }
  if (new TextEncoder().encode(JSON.stringify(parameters)).length > TOOL_LIMITS.maxSchemaBytes) {
    throw invalid(`Tool ${name}: parameters are over 4 KiB as JSON.`);
  }
  if (!replacing && count >= TOOL_LIMITS.maxTools) {
    throw invalid(`At most ${TOOL_LIMITS.maxTools} tools can be registered.`);
  }
  return { name, description, parameters };
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
 * The page's client tools: validation, the declaration payload and the dispatch of calls.
 * Plain (no LiveKit), so it works before the session code has loaded.
 */
export class ToolRegistry {
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
    return JSON.stringify({ version: TOOL_PROTOCOL.version, tools });
  }

  /** Runs the handler a `voice-agent.tool-call` request names and says how it went. */
  async call(payload: string): Promise<ToolCallOutcome> {
    const { name, arguments: args } = parseCall(payload);
    const entry = this.#tools.get(name);
    if (!entry) {
      const message = `No client tool named ${JSON.stringify(name)} is registered.`;
      return { ok: false, name, arguments: args, code: TOOL_PROTOCOL.unknownTool, message };
    }
    let result: unknown;
    try {
      result = await entry.tool.handler(args as never);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, name, arguments: args, code: TOOL_PROTOCOL.toolFailed, message };
    }
    let response: string | undefined;
    try {
      response = JSON.stringify({ result: result === undefined ? null : result });
    } catch {
      // circular structures and BigInt land here
    }
    if (response === undefined) {
      const message = `The result of ${name} is not JSON-serialisable.`;
      return { ok: false, name, arguments: args, code: TOOL_PROTOCOL.invalidResult, message };
    }
    return { ok: true, name, arguments: args, result, response };
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
