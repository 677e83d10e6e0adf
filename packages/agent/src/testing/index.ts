export {
  OUTPUT_SAMPLE_RATE,
  type ScriptedToolCall,
  type ServerEvent,
  spokenTurn,
  tonePcm,
  toolCallTurn,
} from './events.js';
export {
  GeminiLiveStandIn,
  type Reaction,
  type StandInOptions,
  type Trigger,
} from './gemini-live-stand-in.js';
export { declaredTools, type ReceivedKind, type ReceivedMessage } from './wire.js';
