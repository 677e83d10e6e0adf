export { HOP_LOG_VARIABLE, type HopOnset } from '../hops/hop-log.js';
export type { ConnectionEnd, HandleOutcome } from './gemini-live/connection.js';
export type { ContextSource, ContextTurn } from './gemini-live/context.js';
export {
  bargeIn,
  chunkedTranscription,
  lateTranscriptTurn,
  OUTPUT_SAMPLE_RATE,
  recallingTurn,
  type ScriptedToolCall,
  type ServerEvent,
  spokenTurn,
  tonePcm,
  toolCallTurn,
  toolTurnWithSpeech,
} from './gemini-live/events.js';
export { REAL_LIMITS, type SessionLimits } from './gemini-live/limits.js';
export type { ConnectionSummary, StandInOptions } from './gemini-live/options.js';
export type { ConnectionFault, Reaction, Trigger } from './gemini-live/script.js';
export { GeminiLiveStandIn } from './gemini-live/server.js';
export type { ToolAnswer, ToolCallRecord } from './gemini-live/tool-ledger.js';
export type { ContextDelivery, ContextVerdict } from './gemini-live/verdict.js';
export {
  declaredTools,
  type ReceivedKind,
  type ReceivedMessage,
  type SentMessage,
  sentSummary,
} from './gemini-live/wire.js';
export { type RedisServer, startRedisServer } from './redis-server.js';
