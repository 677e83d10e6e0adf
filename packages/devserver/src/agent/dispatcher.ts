import {
  AvailabilityRequest,
  type AvailabilityResponse,
  Job,
  JobAssignment,
  JobStatus,
  JobTermination,
  JobType,
  RegisterWorkerResponse,
  ServerMessage,
  WorkerMessage,
  WorkerPong,
  WorkerStatus,
} from '@livekit/protocol';
import { AccessToken } from 'livekit-server-sdk';
import type { WebSocket } from 'ws';
import { newId } from '../room/ids.js';
import type { Room } from '../room/room.js';
import { trace } from '../server/log.js';
import { serverInfo } from '../signal/server-info.js';

/** A registered `@livekit/agents` worker. */
interface Worker {
  id: string;
  agentName: string;
  socket: WebSocket;
  status: WorkerStatus;
  load: number;
}

/** A job offered or assigned to a worker. */
interface DispatchedJob {
  job: Job;
  worker: Worker;
  dispatch: Dispatch;
}

/** A request to run an agent in a room, and the workers that declined it so far. */
interface Dispatch {
  room: Room;
  agentName: string;
  metadata: string;
  declinedBy: Set<string>;
}

/**
 * The `/agent` side of LiveKit: workers register, are asked whether they take a job
 * (availability), get an assignment with a job token when they accept, and a termination
 * when the room ends.
 */
export class AgentDispatcher {
  private readonly workers = new Map<string, Worker>();
  private readonly jobs = new Map<string, DispatchedJob>();
  /** Dispatches that wait for a (new) worker with their agent name to register. */
  private pending: Dispatch[] = [];

  constructor(
    private readonly apiKey: string,
    private readonly apiSecret: string,
  ) {}

  /** Runs the worker protocol on an authenticated `/agent` socket. */
  accept(socket: WebSocket): void {
    const worker: Worker = {
      id: newId('AW_'),
      agentName: '',
      socket,
      status: WorkerStatus.WS_AVAILABLE,
      load: 0,
    };
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      let message: WorkerMessage;
      try {
        message = WorkerMessage.fromBinary(new Uint8Array(data));
      } catch {
        return;
      }
      this.onMessage(worker, message);
    });
    socket.on('error', (error) => trace('worker %s socket error: %s', worker.id, error.message));
    socket.on('close', () => {
      this.workers.delete(worker.id);
      for (const [id, job] of this.jobs) if (job.worker === worker) this.jobs.delete(id);
    });
  }

  private send(worker: Worker, message: ServerMessage['message']): void {
    if (worker.socket.readyState === worker.socket.OPEN) {
      trace('worker %s <- %s', worker.id, message.case);
      worker.socket.send(new ServerMessage({ message }).toBinary());
    }
  }

  private onMessage(worker: Worker, { message }: WorkerMessage): void {
    if (message.case !== 'updateWorker') trace('worker %s -> %s', worker.id, message.case);
    switch (message.case) {
      case 'register':
        worker.agentName = message.value.agentName;
        this.workers.set(worker.id, worker);
        this.send(worker, {
          case: 'register',
          value: new RegisterWorkerResponse({ workerId: worker.id, serverInfo: serverInfo() }),
        });
        this.flushPending();
        break;
      case 'availability':
        void this.onAvailability(worker, message.value).catch(() => undefined);
        break;
      case 'updateWorker': {
        const wasAvailable = worker.status === WorkerStatus.WS_AVAILABLE;
        worker.status = message.value.status ?? WorkerStatus.WS_AVAILABLE;
        worker.load = message.value.load;
        if (!wasAvailable && worker.status === WorkerStatus.WS_AVAILABLE) this.flushPending();
        break;
      }
      case 'updateJob':
        if (
          message.value.status === JobStatus.JS_SUCCESS ||
          message.value.status === JobStatus.JS_FAILED
        ) {
          this.jobs.delete(message.value.jobId);
        }
        break;
      case 'ping':
        this.send(worker, {
          case: 'pong',
          value: new WorkerPong({
            lastTimestamp: message.value.timestamp,
            timestamp: BigInt(Date.now()),
          }),
        });
        break;
    }
  }

  /** Dispatches `agentName` to a room, the way a token's room configuration asks for it. */
  dispatch(room: Room, agentName: string, metadata: string): void {
    this.offer({ room, agentName, metadata, declinedBy: new Set() });
  }

  /** Automatic dispatch: a new room gets an agent from the workers that have no agent name. */
  dispatchAutomatic(room: Room): void {
    if ([...this.workers.values()].some((worker) => worker.agentName === '')) {
      this.dispatch(room, '', '');
    }
  }

  /** Offers the job to the least-loaded available worker that has not declined it. */
  private offer(dispatch: Dispatch): void {
    const [worker] = [...this.workers.values()]
      .filter(
        (w) =>
          w.agentName === dispatch.agentName &&
          w.status === WorkerStatus.WS_AVAILABLE &&
          !dispatch.declinedBy.has(w.id),
      )
      .sort((a, b) => a.load - b.load);
    if (!worker) {
      this.pending.push(dispatch);
      return;
    }
    const job = new Job({
      id: newId('AJ_'),
      dispatchId: newId('AD_'),
      type: JobType.JT_ROOM,
      room: dispatch.room.info(),
      agentName: dispatch.agentName,
      metadata: dispatch.metadata,
    });
    this.jobs.set(job.id, { job, worker, dispatch });
    this.send(worker, { case: 'availability', value: new AvailabilityRequest({ job }) });
  }

  private flushPending(): void {
    const waiting = this.pending;
    this.pending = [];
    for (const dispatch of waiting) this.offer(dispatch);
  }

  private async onAvailability(worker: Worker, answer: AvailabilityResponse): Promise<void> {
    const dispatched = this.jobs.get(answer.jobId);
    if (!dispatched || dispatched.worker !== worker) return;
    if (!answer.available) {
      this.jobs.delete(answer.jobId);
      dispatched.dispatch.declinedBy.add(worker.id);
      this.offer(dispatched.dispatch);
      return;
    }
    const { job, dispatch } = dispatched;
    const token = new AccessToken(this.apiKey, this.apiSecret, {
      identity: answer.participantIdentity || `agent-${job.id}`,
      name: answer.participantName || undefined,
      metadata: answer.participantMetadata || undefined,
      attributes: answer.participantAttributes,
      ttl: '6h',
    });
    token.kind = 'agent';
    token.addGrant({
      roomJoin: true,
      room: dispatch.room.name,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: true,
      agent: true,
    });
    // Like LiveKit's open-source server, no url: the worker joins with its own.
    this.send(worker, {
      case: 'assignment',
      value: new JobAssignment({ job, token: await token.toJwt() }),
    });
  }

  /** Ends every job of a room (the room ended) and drops its pending dispatches. */
  endRoom(room: Room): void {
    this.pending = this.pending.filter((pending) => pending.room !== room);
    for (const [id, { job, worker, dispatch }] of this.jobs) {
      if (dispatch.room !== room) continue;
      this.jobs.delete(id);
      this.send(worker, { case: 'termination', value: new JobTermination({ jobId: job.id }) });
    }
  }

  /** Jobs currently assigned or offered, for tests and logs. */
  activeJobs(): { id: string; room: string; agentName: string }[] {
    return [...this.jobs.values()].map(({ job, dispatch }) => ({
      id: job.id,
      room: dispatch.room.name,
      agentName: job.agentName,
    }));
  }

  close(): void {
    for (const worker of this.workers.values()) worker.socket.close(1001, 'server shutting down');
  }
}
