import {
  type AvailabilityResponse,
  JobStatus,
  RegisterWorkerResponse,
  ServerMessage,
  WorkerMessage,
  WorkerPong,
  WorkerStatus,
} from '@livekit/protocol';
import type { WebSocket } from 'ws';
import { newId } from '../room/ids.js';
import { trace } from '../server/log.js';
import { serverInfo } from '../signal/server-info.js';
import type { RegisteredWorker } from './worker-pool.js';

/** What the dispatcher hears from one worker's socket. */
export interface WorkerSocketHandlers {
  /** The worker registered (it has been answered). */
  registered(worker: RegisteredWorker): void;
  /** The worker answered an availability request. */
  answered(worker: RegisteredWorker, answer: AvailabilityResponse): void;
  /** The worker became available again or its load went down. */
  roomier(worker: RegisteredWorker): void;
  /** The worker reports a job as finished or failed. */
  jobEnded(jobId: string): void;
  /** The socket closed. */
  gone(worker: RegisteredWorker): void;
}

/** Sends a `ServerMessage` to a worker whose socket is still open. */
export function sendToWorker(worker: RegisteredWorker, message: ServerMessage['message']): void {
  if (worker.socket.readyState === worker.socket.OPEN) {
    trace('worker %s <- %s', worker.id, message.case);
    worker.socket.send(new ServerMessage({ message }).toBinary());
  }
}

/**
 * The worker's half of the `/agent` protocol on an authenticated socket: binary protobuf
 * `WorkerMessage`s in, the registration answer and pongs out; the rest goes to `handlers`.
 */
export function acceptWorker(socket: WebSocket, handlers: WorkerSocketHandlers): void {
  const worker: RegisteredWorker = {
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
    onMessage(worker, message, handlers);
  });
  socket.on('error', (error) => trace('worker %s socket error: %s', worker.id, error.message));
  socket.on('close', () => handlers.gone(worker));
}

function onMessage(
  worker: RegisteredWorker,
  { message }: WorkerMessage,
  handlers: WorkerSocketHandlers,
): void {
  if (message.case !== 'updateWorker') trace('worker %s -> %s', worker.id, message.case);
  switch (message.case) {
    case 'register':
      worker.agentName = message.value.agentName;
      sendToWorker(worker, {
        case: 'register',
        value: new RegisterWorkerResponse({ workerId: worker.id, serverInfo: serverInfo() }),
      });
      handlers.registered(worker);
      break;
    case 'availability':
      handlers.answered(worker, message.value);
      break;
    case 'updateWorker': {
      const before = { status: worker.status, load: worker.load };
      worker.status = message.value.status ?? worker.status;
      worker.load = message.value.load;
      const roomier =
        worker.status === WorkerStatus.WS_AVAILABLE &&
        (before.status !== WorkerStatus.WS_AVAILABLE || worker.load < before.load);
      if (roomier) handlers.roomier(worker);
      break;
    }
    case 'updateJob':
      if (
        message.value.status === JobStatus.JS_SUCCESS ||
        message.value.status === JobStatus.JS_FAILED
      ) {
        handlers.jobEnded(message.value.jobId);
      }
      break;
    case 'ping':
      sendToWorker(worker, {
        case: 'pong',
        value: new WorkerPong({
          lastTimestamp: message.value.timestamp,
          timestamp: BigInt(Date.now()),
        }),
      });
      break;
  }
}
