import { LIVEKIT_VARIABLES } from '@voice-agent/protocol';

/** Variables that would take the playground out of offline demo mode or off the dev server. */
const SERVICE_VARIABLES = ['GOOGLE_API_KEY', ...LIVEKIT_VARIABLES];

/** This process's environment without them: the playground as a newcomer runs it. */
export function offlineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of SERVICE_VARIABLES) delete env[name];
  return env;
}
