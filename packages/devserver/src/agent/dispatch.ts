import type { Job } from '@livekit/protocol';
import type { Room } from '../room/room.js';

/** How long workers get to answer, and how long a job may wait for one. */
export interface DispatchTimings {
  /**
   * A worker that has not answered an availability request within this is skipped and the
   * job offered to another (LiveKit waits 7.5 s on its side of the same exchange). Default 5000.
   */
  availabilityTimeoutMs?: number;
  /**
   * A dispatch that no worker has taken within this fails: it is logged on stderr and listed
   * by `failedDispatches()`. Default 30000.
   */
  dispatchTimeoutMs?: number;
  /** Random numbers in [0, 1) for the load-weighted pick (tests pass their own). */
  random?: () => number;
}

export const DEFAULT_TIMINGS = {
  availabilityTimeoutMs: 5_000,
  dispatchTimeoutMs: 30_000,
  random: Math.random,
} satisfies Required<DispatchTimings>;

/** A request to run an agent in a room, until a worker runs it or it fails. */
export interface Dispatch {
  room: Room;
  job: Job;
  /** Set when the job's worker disconnected and the job is offered again. */
  resuming: boolean;
  /** Workers asked in this round, so a decline or a silence moves on to the next. */
  tried: Set<string>;
  deadline?: NodeJS.Timeout | undefined;
}

/** A job offered to or run by a worker. */
export interface ActiveJob {
  id: string;
  room: string;
  agentName: string;
  /** The worker it was offered or assigned to. */
  worker: string;
  /** Dispatched again after its first worker's connection ended. */
  resuming: boolean;
}

/** A dispatch that no worker took in time. */
export interface FailedDispatch {
  jobId: string;
  room: string;
  agentName: string;
  resuming: boolean;
}

/** A dispatch no worker took within `timeoutMs`, written on stderr for the developer. */
export function reportFailure(dispatch: Dispatch, timeoutMs: number): FailedDispatch {
  const { id: jobId, agentName } = dispatch.job;
  const failure = { jobId, room: dispatch.room.name, agentName, resuming: dispatch.resuming };
  process.stderr.write(
    `voice-agent-devserver: no agent worker took job ${jobId} (agent "${agentName}", room "${failure.room}"${dispatch.resuming ? ', resuming' : ''}) within ${timeoutMs / 1000} s\n`,
  );
  return failure;
}
