import {
  CLIENT_TOOL_LIMITS,
  CLIENT_TOOLS_VERSION,
  checkToolDeclaration,
  type DeclareToolsRequest,
  type JsonSchema,
  TOOL_CALL_ERRORS,
  type ToolCancelReason,
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
  /**
   * Runs with the arguments object; its (awaited) return value is sent back as JSON.
   * `context.signal` aborts, with a {@link ToolCallCancelledError} as its reason, when the
   * agent cancels the call (the visitor interrupted the turn, or the model withdrew it).
   */
  handler: (args: Args, context: ToolCallContext) => unknown;
}

/** What a handler gets besides its arguments. */
export interface ToolCallContext {
  /** Aborted when the agent cancels the call; its reason is a {@link ToolCallCancelledError}. */
  signal: AbortSignal;
}

/** The reason of a cancelled call's signal: why the agent no longer wants its result. */
export class ToolCallCancelledError extends Error {
  /**
   * `interrupted`: the visitor spoke over the turn that made the call; `cancelled`: the model
   * withdrew the call.
   */
  readonly reason: ToolCancelReason;
  constructor(reason: ToolCancelReason) {
    super(`The agent cancelled the tool call (${reason}).`);
    this.name = 'AbortError';
    this.reason = reason;
  }
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

interface ParsedCall {
  name: string;
  arguments: Record<string, unknown>;
  callId?: string;
}

function parseCall(payload: string): ParsedCall {
  try {
    const call = JSON.parse(payload) as { name?: unknown; arguments?: unknown; callId?: unknown };
    const args = call.arguments ?? {};
    if (typeof call.name === 'string' && typeof args === 'object' && !Array.isArray(args)) {
      const parsed: ParsedCall = { name: call.name, arguments: args as Record<string, unknown> };
      if (typeof call.callId === 'string') parsed.callId = call.callId;
      return parsed;
    }
  } catch {
    // fall through: a malformed call is answered as an unknown tool
  }
  return { name: '', arguments: {} };
}

function parseCancel(payload: string): { callId: string; reason: ToolCancelReason } | undefined {
  try {
    const cancel = JSON.parse(payload) as { callId?: unknown; reason?: unknown };
    if (typeof cancel.callId !== 'string') return undefined;
    return {
      callId: cancel.callId,
      reason: cancel.reason === 'cancelled' ? 'cancelled' : 'interrupted',
    };
  } catch {
    return undefined;
  }
}

/**
 * The page's client tools and their handlers: validation, the declaration payload and the
 * dispatch of calls. Plain (no LiveKit), so it works before the call code has loaded.
 */
export class PageToolRegistry {
  readonly #tools = new Map<string, { declaration: ToolDeclaration; tool: ClientTool<never> }>();
  readonly #listeners = new Set<() => void>();
  /** Running calls the agent named, so that it can cancel them. */
  readonly #running = new Map<string, AbortController>();

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
    const { name, arguments: args, callId } = parseCall(payload);
    const entry = this.#tools.get(name);
    if (!entry) {
      const message = `No client tool named ${JSON.stringify(name)} is registered.`;
      return { ok: false, name, arguments: args, code: TOOL_CALL_ERRORS.unknownTool, message };
    }
    let result: unknown;
    const controller = new AbortController();
    if (callId !== undefined) this.#running.set(callId, controller);
    try {
      result = await entry.tool.handler(args as never, { signal: controller.signal });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, name, arguments: args, code: TOOL_CALL_ERRORS.toolFailed, message };
    } finally {
      if (callId !== undefined && this.#running.get(callId) === controller) {
        this.#running.delete(callId);
      }
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

  /**
   * Handles a `voice-agent.tool-cancel` payload: aborts the named call's signal. A call that
   * already finished (or an unreadable payload) is ignored.
   */
  cancel(payload: string): void {
    const cancel = parseCancel(payload);
    if (!cancel) return;
    const controller = this.#running.get(cancel.callId);
    this.#running.delete(cancel.callId);
    controller?.abort(new ToolCallCancelledError(cancel.reason));
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
