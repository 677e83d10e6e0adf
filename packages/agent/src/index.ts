import { llm } from '@livekit/agents';

export {
  type AgentConfig,
  type AgentConfigInput,
  ConfigError,
  type ConfigIssue,
  DEFAULT_MODEL,
  DEFAULT_RECONNECT_GRACE_SECONDS,
  DEFAULT_VERTEX_MODEL,
  DEFAULT_VOICE,
  defineAgentConfig,
  resolveAgentConfig,
  type ServerTools,
} from './config/config.js';
export { loadAgentConfig } from './config/load.js';
export type {
  ClientToolsConfig,
  ContextWindowCompressionInput,
  HttpToolConfig,
  HttpToolInput,
} from './config/schema.js';
export { FrameworkShapeError } from './framework/google-plugin.js';
export { type ModelResilience, ResilientRealtimeModel } from './realtime/model.js';
export type { ModelStatus } from './realtime/policy.js';
export {
  type ClientToolDeclaration,
  type ClientToolPolicy,
  DECLARE_TOOLS_METHOD,
  DeclarationPayloadError,
  type DeclarationResult,
  MAX_CLIENT_TOOLS,
  MAX_DESCRIPTION_LENGTH,
  MAX_SCHEMA_BYTES,
  type RejectedTool,
  type RejectionCode,
  validateDeclarations,
} from './tools/client-tools.js';
export {
  ClientToolCallError,
  type ClientToolFailure,
  type ClientToolTransport,
  LiveKitRpcTransport,
  MAX_RPC_PAYLOAD_BYTES,
  TOOL_CALL_METHOD,
} from './tools/client-transport.js';
export { FunctionClientToolTransport, type PageToolHandler } from './tools/function-transport.js';
export { createHttpTool, type HttpToolRequestBody, TOOL_NAME_HEADER } from './tools/http-tool.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  ReplayGuard,
  SIGNATURE_HEADER,
  type SignatureCheck,
  type SignatureFailure,
  signRequest,
  TIMESTAMP_HEADER,
  type VerifiedRequest,
  type VerifySignatureOptions,
  verifySignature,
} from './tools/signature.js';
export {
  AgentToolSet,
  type AgentToolSetOptions,
  ToolRegistry,
  type ToolRegistryOptions,
} from './tools/tool-set.js';
export {
  type PersonaTarget,
  personaFor,
  renderPersona,
  VISITOR_DATA_NOTE,
} from './visitor/persona.js';
export {
  parseVisitor,
  VISITOR_ATTRIBUTE,
  type Visitor,
  type VisitorClaim,
  type VoiceAgentUserData,
  visitorOf,
  visitorOfParticipant,
} from './visitor/visitor.js';
export { MODEL_STATUS_ATTRIBUTE } from './worker/model-status.js';
export {
  type AgentEnvironment,
  createRealtimeModel,
  createVoiceAgentSession,
  MissingEnvironmentError,
  type VoiceAgentSession,
  type VoiceAgentSessionOptions,
} from './worker/session.js';

/**
 * The framework's `llm.tool()`, re-exported so a config module makes server tools with the
 * same copy of @livekit/agents the worker runs.
 */
export const serverTool = llm.tool;
