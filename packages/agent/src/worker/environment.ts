import { DEFAULT_AGENT_NAME, missingLiveKitVariables } from '@voice-agent/protocol';
import type { AgentEnvironment } from './session.js';

/** Environment variables the worker cannot start without. */
export function missingVariables(env: NodeJS.ProcessEnv = process.env): string[] {
  const google = isVertex(env) ? 'GOOGLE_CLOUD_PROJECT' : 'GOOGLE_API_KEY';
  return [...missingLiveKitVariables(env), ...(env[google] ? [] : [google])];
}

function isVertex(env: NodeJS.ProcessEnv): boolean {
  return /^(1|true)$/i.test(env.GOOGLE_GENAI_USE_VERTEXAI ?? '');
}

/** The agent's view of the process environment (see the README's environment table). */
export function agentEnvironment(env: NodeJS.ProcessEnv = process.env): AgentEnvironment {
  return {
    googleApiKey: env.GOOGLE_API_KEY,
    geminiBaseUrl: env.GOOGLE_GEMINI_BASE_URL,
    toolSecret: env.VOICE_AGENT_TOOL_SECRET,
    vertexai: isVertex(env),
  };
}

/** The agent name the worker registers under; the token service dispatches this name. */
export function agentName(env: NodeJS.ProcessEnv = process.env): string {
  return env.AGENT_NAME || DEFAULT_AGENT_NAME;
}
