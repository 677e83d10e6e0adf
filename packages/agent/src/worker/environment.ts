import type { AgentEnvironment } from './session.js';

/** Environment variables the worker cannot start without. */
export function missingVariables(env: NodeJS.ProcessEnv = process.env): string[] {
  const required = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'];
  if (isVertex(env)) required.push('GOOGLE_CLOUD_PROJECT');
  else required.push('GOOGLE_API_KEY');
  return required.filter((name) => !env[name]);
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
  return env.AGENT_NAME || 'voice-agent';
}
