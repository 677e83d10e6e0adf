import {
  AvailabilityRequest,
  type AvailabilityResponse,
  Job,
  JobAssignment,
  JobTermination,
  JobType,
  WorkerStatus,
} from '@livekit/protocol';
import type { WebSocket } from 'ws';
import { newId } from '../room/ids.js';
import type { Room } from '../room/room.js';
import { trace } from '../server/log.js';
import { agentToken } from './agent-token.js';
import {
  type ActiveJob,
  DEFAULT_TIMINGS,
  type Dispatch,
  type DispatchTimings,
  type FailedDispatch,
  reportFailure,
} from './dispatch.js';
import { pickWorker, type RegisteredWorker, type WorkerSummary } from './worker-pool.js';
import { acceptWorker, sendToWorker } from './worker-socket.js';

export type { ActiveJob, DispatchTimings, FailedDispatch } from './dispatch.js';

/**
 * The `/agent` side of LiveKit: workers register and report their load; each job is offered
 * (availability) to one available worker picked by load, the way LiveKit picks; a worker that
 * declines or does not answer in time is skipped; the one that accepts gets an assignment
 * with a job token. When a worker's connection ends, its jobs in rooms that still have a
 * visitor are offered again with `resuming: true`. A job nobody takes fails after a timeout.
 */
export class AgentDispatcher {
  private readonly workers = new Map<string, RegisteredWorker>();
  /** Offered jobs waiting for the worker's answer, by job id. */
  private readonly offers = new Map<
    string,
    { dispatch: Dispatch; worker: RegisteredWorker; timer: NodeJS.Timeout }
  >();
  /** Jobs a worker runs, by job id. */
  private readonly assigned = new Map<string, { dispatch: Dispatch; worker: RegisteredWorker }>();
  /** Dispatches waiting for a worker to register or become available. */
  private pending: Dispatch[] = [];
  private readonly failures: FailedDispatch[] = [];
  private readonly timings: Required<DispatchTimings>;

  constructor(
    private readonly apiKey: string,
    private readonly apiSecret: string,
    timings: DispatchTimings = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  /** Runs the worker protocol on an authenticated `/agent` socket. */
  accept(socket: WebSocket): void {
    acceptWorker(socket, {
      registered: (worker) => {
        this.workers.set(worker.id, worker);
        this.flushPending();
      },
      answered: (worker, answer) =>
        void this.onAvailability(worker, answer).catch((error: unknown) =>
          trace('assigning to worker %s failed: %s', worker.id, String(error)),
        ),
      roomier: () => this.flushPending(),
      jobEnded: (jobId) => this.assigned.delete(jobId),
      gone: (worker) => this.onWorkerGone(worker),
    });
  }

  /** Dispatches `agentName` to a room, the way a token's room configuration asks for it. */
  dispatch(room: Room, agentName: string, metadata: string): void {
    const job = new Job({
      id: newId('AJ_'),
      dispatchId: newId('AD_'),
      type: JobType.JT_ROOM,
      room: room.info(),
      agentName,
      metadata,
    });
    this.start({ room, job, resuming: false, tried: new Set() });
  }

  /** Automatic dispatch: a new room gets an agent from the workers that have no agent name. */
  dispatchAutomatic(room: Room): void {
    if ([...this.workers.values()].some((worker) => worker.agentName === '')) {
      this.dispatch(room, '', '');
    }
  }

  /** Starts the dispatch's deadline and makes its first offer. */
  private start(dispatch: Dispatch): void {
    dispatch.deadline = setTimeout(() => this.fail(dispatch), this.timings.dispatchTimeoutMs);
    this.offer(dispatch);
  }

  private fail(dispatch: Dispatch): void {
    this.pending = this.pending.filter((pending) => pending !== dispatch);
    const offer = this.offers.get(dispatch.job.id);
    if (offer?.dispatch === dispatch) {
      clearTimeout(offer.timer);
      this.offers.delete(dispatch.job.id);
    }
    this.failures.push(reportFailure(dispatch, this.timings.dispatchTimeoutMs));
  }

  /** Offers the job to a worker picked by load, or keeps it until one becomes available. */
  private offer(dispatch: Dispatch): void {
    const worker = pickWorker(
      this.workers.values(),
      dispatch.job.agentName,
      dispatch.tried,
      this.timings.random,
    );
    if (!worker) {
      this.pending.push(dispatch);
      return;
    }
    dispatch.tried.add(worker.id);
    const timer = setTimeout(() => {
      trace('worker %s did not answer for job %s in time', worker.id, dispatch.job.id);
      this.offers.delete(dispatch.job.id);
      this.offer(dispatch);
    }, this.timings.availabilityTimeoutMs);
    this.offers.set(dispatch.job.id, { dispatch, worker, timer });
    const { job, resuming } = dispatch;
    sendToWorker(worker, {
      case: 'availability',
      value: new AvailabilityRequest({ job, resuming }),
    });
  }

  /** A worker registered or has room again: waiting dispatches get a new round of offers. */
  private flushPending(): void {
    const waiting = this.pending;
    this.pending = [];
    for (const dispatch of waiting) {
      dispatch.tried.clear();
      this.offer(dispatch);
    }
  }

  private async onAvailability(
    worker: RegisteredWorker,
    answer: AvailabilityResponse,
  ): Promise<void> {
    const offer = this.offers.get(answer.jobId);
    // A late answer (the job has moved on to another worker) is ignored.
    if (!offer || offer.worker !== worker) return;
    clearTimeout(offer.timer);
    this.offers.delete(answer.jobId);
    const { dispatch } = offer;
    if (!answer.available) {
      this.offer(dispatch);
      return;
    }
    clearTimeout(dispatch.deadline);
    this.assigned.set(dispatch.job.id, { dispatch, worker });
    const token = await agentToken(this.apiKey, this.apiSecret, dispatch, answer);
    if (this.assigned.get(dispatch.job.id)?.worker !== worker) return;
    // Like LiveKit's open-source server, no url: the worker joins with its own.
    sendToWorker(worker, {
      case: 'assignment',
      value: new JobAssignment({ job: dispatch.job, token }),
    });
  }

  /**
   * A worker's connection ended: its unanswered offers go to other workers, and its jobs in
   * rooms that still have a visitor are dispatched again, `resuming`, as LiveKit does with
   * its default restart policy (JRP_ON_FAILURE).
   */
  private onWorkerGone(worker: RegisteredWorker): void {
    this.workers.delete(worker.id);
    for (const [jobId, offer] of this.offers) {
      if (offer.worker !== worker) continue;
      clearTimeout(offer.timer);
      this.offers.delete(jobId);
      this.offer(offer.dispatch);
    }
    for (const [jobId, { dispatch, worker: runner }] of this.assigned) {
      if (runner !== worker) continue;
      this.assigned.delete(jobId);
      const visitors = [...dispatch.room.participants.values()].filter((p) => !p.isAgent);
      if (visitors.length === 0) continue;
      trace('worker %s gone: job %s dispatched again', worker.id, jobId);
      this.start({ ...dispatch, resuming: true, tried: new Set() });
    }
  }

  /** Ends every job of a room (the room ended) and drops its waiting dispatches. */
  endRoom(room: Room): void {
    for (const dispatch of this.pending)
      if (dispatch.room === room) clearTimeout(dispatch.deadline);
    this.pending = this.pending.filter((pending) => pending.room !== room);
    for (const [id, { dispatch, timer }] of this.offers) {
      if (dispatch.room !== room) continue;
      clearTimeout(timer);
      clearTimeout(dispatch.deadline);
      this.offers.delete(id);
    }
    for (const [id, { dispatch, worker }] of this.assigned) {
      if (dispatch.room !== room) continue;
      this.assigned.delete(id);
      sendToWorker(worker, { case: 'termination', value: new JobTermination({ jobId: id }) });
    }
  }

  /** Jobs currently assigned or offered, for tests and logs. */
  activeJobs(): ActiveJob[] {
    return [...this.offers.values(), ...this.assigned.values()].map(({ dispatch, worker }) => ({
      id: dispatch.job.id,
      room: dispatch.room.name,
      agentName: dispatch.job.agentName,
      worker: worker.id,
      resuming: dispatch.resuming,
    }));
  }

  /** Registered workers with what they last reported and the jobs they run. */
  registeredWorkers(): WorkerSummary[] {
    return [...this.workers.values()].map((worker) => ({
      id: worker.id,
      agentName: worker.agentName,
      status: worker.status === WorkerStatus.WS_AVAILABLE ? 'available' : 'full',
      load: worker.load,
      jobs: [...this.assigned.values()].filter((job) => job.worker === worker).length,
    }));
  }

  /** Dispatches that no worker took in time. */
  failedDispatches(): FailedDispatch[] {
    return [...this.failures];
  }

  close(): void {
    for (const dispatch of this.pending) clearTimeout(dispatch.deadline);
    for (const { timer, dispatch } of this.offers.values()) {
      clearTimeout(timer);
      clearTimeout(dispatch.deadline);
    }
    for (const worker of this.workers.values()) worker.socket.close(1001, 'server shutting down');
  }
}
