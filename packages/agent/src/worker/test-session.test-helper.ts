import { resolveAgentConfig } from '../config/config.js';
import type { GeminiLiveStandIn } from '../testing/index.js';
import { FunctionClientToolTransport } from '../tools/function-transport.js';
import { createVoiceAgentSession, type VoiceAgentSession } from './session.js';

/** The worker's AgentSession as a job builds it, with a test persona, talking to `standIn`. */
export function createTestSession(standIn: GeminiLiveStandIn): VoiceAgentSession {
  return createVoiceAgentSession(
    resolveAgentConfig({ instructions: 'You are a test agent.' }),
    { googleApiKey: 'test-key', geminiBaseUrl: standIn.baseUrl },
    new FunctionClientToolTransport({}),
  );
}
