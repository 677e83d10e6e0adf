import { Future, llm, log } from '@livekit/agents';
import type { ToolCallCancellations } from './cancellation.js';
import {
  type ClientToolDeclaration,
  type ClientToolPolicy,
  createClientTool,
  type DeclarationResult,
  validateDeclarations,
} from './client-tools.js';
import type { ClientToolTransport } from './client-transport.js';

export interface AgentToolSetOptions {
  /** Server and HTTP tools, always present. */
  baseTools: llm.ToolContext;
  policy: ClientToolPolicy;
  /** Per-call timeout for client tools. */
  clientTimeoutMs: number;
  transport: ClientToolTransport;
  /** Calls the model withdrew: a client tool stops waiting for them and tells the page. */
  cancellations?: ToolCallCancellations;
  /** Hands the complete tool set to the agent (e.g. `agent.updateTools`). */
  apply: (tools: llm.ToolContext) => Promise<void>;
}

/**
 * The agent's tool set: the fixed server and HTTP tools plus whatever client tools the page
 * declared last. Declarations are applied one at a time, in order of arrival; an unchanged
 * tool keeps its identity so that re-declaring the same set does not reconnect the model.
 */
export class AgentToolSet {
  readonly #options: AgentToolSetOptions;
  readonly #reserved: ReadonlySet<string>;
  #clientTools = new Map<string, { key: string; tool: llm.FunctionTool }>();
  #queue: Promise<unknown> = Promise.resolve();
  #logger = log();
  readonly #firstDeclared = new Future();
  /** Settles once the page's first declaration has been applied (or refused). */
  readonly firstDeclaration: Promise<void> = this.#firstDeclared.await;

  constructor(options: AgentToolSetOptions) {
    this.#options = options;
    this.#reserved = new Set(Object.keys(options.baseTools.functionTools));
  }

  /** The complete current tool set. */
  get tools(): llm.ToolContext {
    return new llm.ToolContext([
      ...Object.values(this.#options.baseTools.functionTools),
      ...[...this.#clientTools.values()].map((entry) => entry.tool),
    ]);
  }

  /**
   * Handles a `voice-agent.declare-tools` payload: validates it, replaces the client tools
   * and applies the new set. Rejections are logged and returned; they never throw.
   * @throws {DeclarationPayloadError} when the payload is not a version 1 declaration.
   */
  declare(payload: unknown): Promise<DeclarationResult> {
    const run = this.#queue.then(() => this.#declare(payload));
    this.#queue = run.catch(() => undefined);
    void this.#queue.then(() => this.#firstDeclared.resolve());
    return run;
  }

  async #declare(payload: unknown): Promise<DeclarationResult> {
    const { policy, clientTimeoutMs, transport } = this.#options;
    const { tools, result } = validateDeclarations(payload, policy, this.#reserved);
    for (const rejection of result.rejected) {
      this.#logger.warn(
        { tool: rejection.name, code: rejection.code },
        `client tool rejected: ${rejection.message}`,
      );
    }
    const next = new Map<string, { key: string; tool: llm.FunctionTool }>();
    for (const declaration of tools) {
      const key = declarationKey(declaration);
      const previous = this.#clientTools.get(declaration.name);
      next.set(declaration.name, {
        key,
        tool:
          previous?.key === key
            ? previous.tool
            : createClientTool(
                declaration,
                transport,
                clientTimeoutMs,
                this.#options.cancellations,
              ),
      });
    }
    this.#clientTools = next;
    await this.#options.apply(this.tools);
    return result;
  }
}

function declarationKey(declaration: ClientToolDeclaration): string {
  return JSON.stringify([declaration.description, declaration.parameters]);
}

/** @deprecated Renamed {@link AgentToolSet} (the widget's registry is `PageToolRegistry`). */
export const ToolRegistry = AgentToolSet;
/** @deprecated Renamed {@link AgentToolSet}. */
export type ToolRegistry = AgentToolSet;
/** @deprecated Renamed {@link AgentToolSetOptions}. */
export type ToolRegistryOptions = AgentToolSetOptions;
