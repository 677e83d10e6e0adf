export {
  checkToolDeclaration,
  type DeclarationCheck,
  type DeclarationProblem,
  NO_PARAMETERS,
} from './client-tools/check-declaration.js';
export {
  CLIENT_TOOL_LIMITS,
  CLIENT_TOOLS_VERSION,
  DECLARE_TOOLS_METHOD,
  type DeclareToolsRequest,
  type DeclareToolsResponse,
  type JsonSchema,
  type RejectedTool,
  type RejectionCode,
  TOOL_CALL_ERRORS,
  TOOL_CALL_METHOD,
  TOOL_CANCEL_METHOD,
  TOOL_NAME_PATTERN,
  type ToolCallRequest,
  type ToolCallResponse,
  type ToolCancelReason,
  type ToolCancelRequest,
  type ToolDeclaration,
} from './client-tools/client-tools.js';
export {
  AGENT_STATE_ATTRIBUTE,
  END_ATTRIBUTE,
  END_REASON,
  type EndReason,
  MODEL_STATUS,
  MODEL_STATUS_ATTRIBUTE,
  type ModelStatus,
  TOPICS,
  TRANSCRIPTION_ATTRIBUTES,
  VISITOR_AWAY_METHOD,
} from './room/room.js';
export {
  DEFAULT_AGENT_NAME,
  LIVEKIT_VARIABLES,
  missingLiveKitVariables,
  parsePort,
} from './settings/settings.js';
