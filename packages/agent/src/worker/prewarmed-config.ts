import type { JobProcess } from '@livekit/agents';
import type { AgentConfig } from '../config/config.js';
import { loadAgentConfig } from '../config/load.js';

/** Where `prewarm` keeps the configuration's load in the job process's `userData`. */
const CONFIG_LOAD = 'voice-agent.config';

type Process = Pick<JobProcess, 'userData'>;

/**
 * Starts loading the configuration in an idle job process, before any job is assigned to it:
 * importing the config module and resolving it took 100-300 ms of every connect when the
 * job's entry did it (the job process serves one job, so this is the same single load).
 * A load that fails is reported by {@link configFor}, in the job, as before.
 */
export function prewarmConfig(proc: Process, path: string | undefined): void {
  if (!path) return;
  const load = loadAgentConfig(path);
  // Read by configFor; until then a failure is not an unhandled rejection.
  load.catch(() => undefined);
  proc.userData[CONFIG_LOAD] = load;
}

/** The job's configuration: the load `prewarm` started, or else a load now. */
export function configFor(proc: Process, path: string): Promise<AgentConfig> {
  const load = proc.userData[CONFIG_LOAD] as Promise<AgentConfig> | undefined;
  return load ?? loadAgentConfig(path);
}
