/**
 * Settings the parts share (Node and browser safe). The agent registers under the default
 * agent name and the token service dispatches it unless told otherwise.
 */
export const DEFAULT_AGENT_NAME = 'voice-agent';

/** The LiveKit server and its API key: every Node part needs all three (or, locally, none). */
export const LIVEKIT_VARIABLES = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const;

/** The `LIVEKIT_*` variables missing (unset or blank) from `env`. */
export function missingLiveKitVariables(env: Record<string, string | undefined>): string[] {
  return LIVEKIT_VARIABLES.filter((name) => !env[name]?.trim());
}

/**
 * The port rule of every command: a whole number from 0 to 65535, where 0 picks a free
 * port. `undefined` for anything else.
 */
export function parsePort(text: string): number | undefined {
  const port = Number(text);
  return /^\d+$/.test(text) && port <= 65_535 ? port : undefined;
}
