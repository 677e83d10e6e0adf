// The client-tool protocol, version 1 (docs/protocol.md): what the widget and the agent say
// to each other about the page's tools. Plain data and types, for the browser and Node.

/** The version the declaration payload carries. */
export const CLIENT_TOOLS_VERSION = 1;

/** RPC method the widget calls on the agent to declare the page's tools. */
export const DECLARE_TOOLS_METHOD = 'voice-agent.declare-tools';

/** RPC method the agent calls on the visitor's page to run one tool. */
export const TOOL_CALL_METHOD = 'voice-agent.tool-call';

/** RPC method the agent calls on the visitor's page when a running tool call is cancelled. */
export const TOOL_CANCEL_METHOD = 'voice-agent.tool-cancel';

/** Tool names the model sees: Gemini's function-name rules. */
export const TOOL_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Limits of a declaration, enforced by the agent and checked by the widget up front. */
export const CLIENT_TOOL_LIMITS = {
  /** Tools per page. */
  maxTools: 16,
  /** Characters of a description. */
  maxDescriptionLength: 1024,
  /** Bytes of the parameters schema as UTF-8 JSON. */
  maxSchemaBytes: 4 * 1024,
  /** LiveKit's RPC payload limit, in bytes: a call's arguments or a result over it fail. */
  maxRpcPayloadBytes: 15 * 1024,
} as const;

/** RPC error codes a page answers a tool call with. */
export const TOOL_CALL_ERRORS = {
  /** The handler threw; the message is the error's. */
  toolFailed: 2001,
  /** No tool of that name on the page. */
  unknownTool: 2002,
  /** The handler's result is not JSON-serialisable. */
  invalidResult: 2003,
} as const;

/** A JSON Schema object describing a tool's arguments. */
export type JsonSchema = { type: 'object'; [key: string]: unknown };

/** A tool as declared to the agent (its handler stays in the page). */
export interface ToolDeclaration {
  name: string;
  description: string;
  parameters: JsonSchema;
}

/** The `voice-agent.declare-tools` request: the page's whole set, replacing the last one. */
export interface DeclareToolsRequest {
  version: typeof CLIENT_TOOLS_VERSION;
  tools: ToolDeclaration[];
}

/** Why the agent refused a declared tool. */
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

/** A declared tool the agent refused, and why. */
export interface RejectedTool {
  name: string;
  code: RejectionCode;
  message: string;
}

/** The `voice-agent.declare-tools` response. */
export interface DeclareToolsResponse {
  accepted: string[];
  rejected: RejectedTool[];
}

/** The `voice-agent.tool-call` request. */
export interface ToolCallRequest {
  name: string;
  arguments: Record<string, unknown>;
  /** Names the call for a later `voice-agent.tool-cancel`; absent from older agents. */
  callId?: string;
}

/**
 * Why a call was cancelled: `interrupted`, the visitor spoke over the turn that made it;
 * `cancelled`, the model withdrew the call.
 */
export type ToolCancelReason = 'interrupted' | 'cancelled';

/** The `voice-agent.tool-cancel` request; the page answers with an empty payload. */
export interface ToolCancelRequest {
  callId: string;
  reason: ToolCancelReason;
}

/** The `voice-agent.tool-call` success response (`undefined` is sent as `null`). */
export interface ToolCallResponse {
  result: unknown;
}
