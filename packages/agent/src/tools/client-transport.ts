import { log } from '@livekit/agents';
import { RpcError } from '@livekit/rtc-node';
import {
  CLIENT_TOOL_LIMITS,
  TOOL_CALL_ERRORS,
  TOOL_CALL_METHOD,
  TOOL_CANCEL_METHOD,
  type ToolCallRequest,
  type ToolCancelRequest,
} from '@voice-agent/protocol';

// The protocol's names (@voice-agent/protocol), under the names this package has always exported.
export { TOOL_CALL_METHOD };
/** LiveKit's RPC payload limit, in bytes. */
export const MAX_RPC_PAYLOAD_BYTES = CLIENT_TOOL_LIMITS.maxRpcPayloadBytes;

/** Why a client tool call failed; stable codes for logs and tests. */
export type ClientToolFailure =
  | 'tool_failed'
  | 'unknown_tool'
  | 'invalid_result'
  | 'timeout'
  | 'visitor_gone'
  | 'payload_too_large'
  | 'transport_error'
  | 'cancelled';

/** A failed client tool call. The message is safe to show to the model. */
export class ClientToolCallError extends Error {
  constructor(
    readonly code: ClientToolFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ClientToolCallError';
  }
}

/** Which model call a client tool call answers, and when it is cancelled. */
export interface ClientToolCall {
  /** The model's id of the call. */
  callId: string;
  /** Aborted, with the `ToolCancelReason` as its reason, when the call is cancelled. */
  signal: AbortSignal;
}

/**
 * How the agent reaches the page's tool handlers. The worker uses {@link LiveKitRpcTransport};
 * tests and other runtimes may substitute their own.
 */
export interface ClientToolTransport {
  /**
   * Runs the page's tool and resolves with its result (any JSON value), or rejects with a
   * {@link ClientToolCallError}. Must settle within about `timeoutMs`. When `call`'s signal
   * aborts, the page is told (its handler's signal aborts).
   */
  call(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    call?: ClientToolCall,
  ): Promise<unknown>;
}

/** The part of rtc-node's LocalParticipant the transport needs. */
export interface RpcCaller {
  performRpc(params: {
    destinationIdentity: string;
    method: string;
    payload: string;
    responseTimeout?: number;
  }): Promise<string>;
}

/** How long the page has to acknowledge a cancellation. */
const CANCEL_TIMEOUT_MS = 5_000;

function failureFromRpcError(error: RpcError): ClientToolCallError {
  switch (error.code) {
    case TOOL_CALL_ERRORS.toolFailed:
      return new ClientToolCallError('tool_failed', error.message);
    case TOOL_CALL_ERRORS.unknownTool:
      return new ClientToolCallError('unknown_tool', 'the page has no such tool');
    case TOOL_CALL_ERRORS.invalidResult:
      return new ClientToolCallError('invalid_result', 'the page returned a non-JSON result');
    case RpcError.ErrorCode.RESPONSE_TIMEOUT:
    case RpcError.ErrorCode.CONNECTION_TIMEOUT:
      return new ClientToolCallError('timeout', 'the page did not answer in time');
    case RpcError.ErrorCode.RECIPIENT_DISCONNECTED:
    case RpcError.ErrorCode.RECIPIENT_NOT_FOUND:
      return new ClientToolCallError('visitor_gone', 'the visitor has left');
    case RpcError.ErrorCode.RESPONSE_PAYLOAD_TOO_LARGE:
      return new ClientToolCallError('payload_too_large', 'the result is larger than 15 KiB');
    default:
      return new ClientToolCallError('transport_error', `RPC failed (${error.code})`);
  }
}

/**
 * Calls client tools on the visitor's page over LiveKit RPC (`voice-agent.tool-call`).
 * `visitorIdentity` names the participant whose page declared the tools; undefined once
 * nobody has (or the visitor left).
 */
export class LiveKitRpcTransport implements ClientToolTransport {
  constructor(
    private readonly participant: RpcCaller,
    private readonly visitorIdentity: () => string | undefined,
  ) {}

  async call(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    call?: ClientToolCall,
  ): Promise<unknown> {
    const request: ToolCallRequest = {
      name,
      arguments: args,
      ...(call ? { callId: call.callId } : {}),
    };
    const payload = JSON.stringify(request);
    if (Buffer.byteLength(payload) > MAX_RPC_PAYLOAD_BYTES) {
      throw new ClientToolCallError('payload_too_large', 'the arguments are larger than 15 KiB');
    }
    const destinationIdentity = this.visitorIdentity();
    if (destinationIdentity === undefined) {
      throw new ClientToolCallError('visitor_gone', 'the visitor has left');
    }
    let response: string;
    const cancel = () => this.#cancel(destinationIdentity, call);
    call?.signal.addEventListener('abort', cancel, { once: true });
    try {
      response = await this.participant.performRpc({
        destinationIdentity,
        method: TOOL_CALL_METHOD,
        payload,
        responseTimeout: timeoutMs,
      });
    } catch (error) {
      if (error instanceof RpcError) throw failureFromRpcError(error);
      throw new ClientToolCallError('transport_error', 'RPC failed');
    } finally {
      call?.signal.removeEventListener('abort', cancel);
    }
    return parseToolCallResponse(response);
  }

  /** Tells the page (`voice-agent.tool-cancel`); a page that cannot be told is only logged. */
  #cancel(destinationIdentity: string, call: ClientToolCall | undefined): void {
    if (!call) return;
    const request: ToolCancelRequest = { callId: call.callId, reason: call.signal.reason };
    this.participant
      .performRpc({
        destinationIdentity,
        method: TOOL_CANCEL_METHOD,
        payload: JSON.stringify(request),
        responseTimeout: CANCEL_TIMEOUT_MS,
      })
      .catch((error: unknown) =>
        log().warn({ error: String(error), callId: call.callId }, 'could not cancel a page tool'),
      );
  }
}

/** Reads a page's success answer `{ "result": ... }`. */
export function parseToolCallResponse(response: string): unknown {
  try {
    const parsed = JSON.parse(response) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'result' in parsed) {
      return (parsed as { result: unknown }).result;
    }
  } catch {
    // falls through to the error below
  }
  throw new ClientToolCallError('invalid_result', 'the page answered without a result');
}
