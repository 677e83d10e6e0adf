import { resolveAgentConfig } from '../config/config.js';
import type { GeminiLiveStandIn } from '../testing/index.js';
import { FunctionClientToolTransport, type PageToolHandler } from '../tools/function-transport.js';
import {
  createVoiceAgentSession,
  type VoiceAgentSession,
  type VoiceAgentSessionOptions,
} from './session.js';

/** What a test changes of the worker's session; the rest is the test persona. */
export interface TestSessionOptions {
  /** Config fields over `{ instructions: 'You are a test agent.' }`. */
  config?: Record<string, unknown>;
  /** Signs the HTTP tools' requests. */
  toolSecret?: string;
  /** The page's tools, run in-process. */
  pageTools?: Record<string, PageToolHandler>;
  /** The visitor and the resilience options. */
  session?: VoiceAgentSessionOptions;
}

/** The worker's AgentSession as a job builds it, talking to `standIn`. */
export function createTestSession(
  standIn: GeminiLiveStandIn,
  { config, toolSecret, pageTools = {}, session }: TestSessionOptions = {},
): VoiceAgentSession {
  return createVoiceAgentSession(
    resolveAgentConfig({ instructions: 'You are a test agent.', ...config }),
    { googleApiKey: 'test-key', geminiBaseUrl: standIn.baseUrl, toolSecret },
    new FunctionClientToolTransport(pageTools),
    session,
  );
}
