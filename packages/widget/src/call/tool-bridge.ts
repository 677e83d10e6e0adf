import {
  DECLARE_TOOLS_METHOD,
  type DeclareToolsResponse,
  TOOL_CALL_METHOD,
  TOOL_CANCEL_METHOD,
} from '@voice-agent/protocol';
import { type Room, RpcError, type RpcInvocationData } from 'livekit-client';
import { VoiceAgentToolCallEvent } from '../events/tool-call.js';
import { VoiceAgentToolsEvent } from '../events/tools.js';
import type { PageToolRegistry } from '../tools/tools.js';

/**
 * The page's tools over the room: answers the agent's `voice-agent.tool-call` requests and
 * declares the page's set to the agent (`voice-agent.declare-tools`), again after every change.
 * Fires `voice-agent-tool-call` and `voice-agent-tools` on `events`.
 */
export class ToolBridge {
  readonly #room: Room;
  readonly #tools: PageToolRegistry;
  readonly #events: EventTarget;
  #stopWatching: (() => void) | undefined;

  /** Registers the call handler: do it before connecting, so no call arrives before it. */
  constructor(room: Room, tools: PageToolRegistry, events: EventTarget) {
    this.#room = room;
    this.#tools = tools;
    this.#events = events;
    room.registerRpcMethod(TOOL_CALL_METHOD, (data) => this.#onToolCall(data));
    room.registerRpcMethod(TOOL_CANCEL_METHOD, async (data) => {
      tools.cancel(data.payload);
      return '';
    });
  }

  /** Whether the set is being declared to an agent. */
  get declaring(): boolean {
    return this.#stopWatching !== undefined;
  }

  /** Declares the page's tools to `agentIdentity` now and after every change, until stop(). */
  declareTo(agentIdentity: string): void {
    this.#stopWatching?.();
    this.#stopWatching = this.#tools.onChange(() => void this.#declare(agentIdentity));
    void this.#declare(agentIdentity);
  }

  stop(): void {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
  }

  async #declare(agentIdentity: string): Promise<void> {
    try {
      const response = await this.#room.localParticipant.performRpc({
        destinationIdentity: agentIdentity,
        method: DECLARE_TOOLS_METHOD,
        payload: this.#tools.declarationPayload(),
      });
      const { accepted = [], rejected = [] } = JSON.parse(
        response,
      ) as Partial<DeclareToolsResponse>;
      for (const { name, code, message } of rejected) {
        console.warn(`<voice-agent>: the agent rejected tool ${name} (${code}): ${message}`);
      }
      this.#events.dispatchEvent(new VoiceAgentToolsEvent({ accepted, rejected }));
    } catch (error) {
      console.warn('<voice-agent>: the agent did not take the page tools:', error);
    }
  }

  async #onToolCall(data: RpcInvocationData): Promise<string> {
    const outcome = await this.#tools.call(data.payload);
    if (outcome.ok) {
      const { name, arguments: args, result } = outcome;
      this.#events.dispatchEvent(new VoiceAgentToolCallEvent({ name, arguments: args, result }));
      return outcome.response;
    }
    const { name, arguments: args, code, message } = outcome;
    this.#events.dispatchEvent(
      new VoiceAgentToolCallEvent({ name, arguments: args, error: { code, message } }),
    );
    throw new RpcError(code, message);
  }
}
