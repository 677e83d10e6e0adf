import { WorkerStatus } from '@livekit/protocol';
import type { WebSocket } from 'ws';

/** A registered `@livekit/agents` worker, with what it last reported. */
export interface RegisteredWorker {
  id: string;
  agentName: string;
  socket: WebSocket;
  status: WorkerStatus;
  /** 0 (idle) to 1 (full), as the worker last reported in `updateWorker`. */
  load: number;
}

/** What a test or a log line sees of a worker. */
export interface WorkerSummary {
  id: string;
  agentName: string;
  status: 'available' | 'full';
  load: number;
  /** Jobs assigned to it and not ended. */
  jobs: number;
}

/**
 * LiveKit's rule (livekit-server `selectWorkerWeightedByLoad`): among the workers with the
 * agent name that report WS_AVAILABLE and were not tried yet for this job, pick one at
 * random, weighted by its spare capacity `max(0, 1 - load)`. A worker reporting FULL is never
 * picked. One deliberate difference: where LiveKit refuses the job when every available
 * worker reports load 1 or more, the dev server picks among them evenly, since a worker's
 * default load is the whole machine's CPU and a busy laptop would otherwise get no agent.
 * `random` returns a number in [0, 1).
 */
export function pickWorker(
  workers: Iterable<RegisteredWorker>,
  agentName: string,
  tried: ReadonlySet<string>,
  random: () => number = Math.random,
): RegisteredWorker | undefined {
  const available = [...workers].filter(
    (worker) =>
      worker.agentName === agentName &&
      !tried.has(worker.id) &&
      worker.status === WorkerStatus.WS_AVAILABLE,
  );
  let weighted = available.map((worker) => ({ worker, weight: Math.max(0, 1 - worker.load) }));
  if (weighted.every(({ weight }) => weight === 0)) {
    weighted = available.map((worker) => ({ worker, weight: 1 }));
  }
  weighted = weighted.filter(({ weight }) => weight > 0);
  const total = weighted.reduce((sum, { weight }) => sum + weight, 0);
  let remaining = random() * total;
  for (const { worker, weight } of weighted) {
    remaining -= weight;
    if (remaining < 0) return worker;
  }
  return weighted.at(-1)?.worker;
}
