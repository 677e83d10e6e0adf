import { AgentServer, delay, initializeLogger, log, ServerOptions } from '@livekit/agents';
import { deferIdleProcessRefill } from '../framework/idle-process-refill.js';
import { WorkerMetrics } from '../metrics/worker-metrics.js';
import { JOB_CHANNEL_VARIABLE, JobChannelServer } from './job-channel.js';

/** Default drain limit: how long running calls may go on after SIGTERM. */
export const DEFAULT_DRAIN_LIMIT_SECONDS = 600;
/** After the drain limit: time for the goodbyes before the worker stops the calls itself. */
export const GOODBYE_GRACE_SECONDS = 15;

type FrameworkOptions = ConstructorParameters<typeof ServerOptions>[0];

export interface StartOptions {
  /** The framework's worker options (agent file, LiveKit credentials, ports, …). */
  worker: FrameworkOptions;
  logLevel: string;
  /** Seconds running calls may go on after SIGTERM before they say goodbye and end. */
  drainLimitSeconds: number;
  /** Port of `GET /metrics` (0: any free port) on `metricsHost`; none: no metrics server. */
  metricsPort?: number | undefined;
  metricsHost: string;
}

/** The part of a WorkerMessage the worker's `worker_msg` event carries that we count. */
interface OutgoingMessage {
  message: { case: string | undefined; value?: unknown };
}

/**
 * `voice-agent-worker start`: the framework's worker in production mode, plus what the
 * framework's own `start` lacks: Prometheus metrics, a job channel for its job processes,
 * and a drain that ends. On SIGTERM (or SIGINT) the worker takes no new job, lets running
 * calls go on for `drainLimitSeconds`, then has them say goodbye and end, and exits 0.
 */
export async function runWorker(options: StartOptions): Promise<void> {
  initializeLogger({ pretty: false, level: options.logLevel });
  const logger = log();
  const metrics = new WorkerMetrics();
  const channel = await JobChannelServer.open((event) => metrics.record(event));
  // Job processes are forked after this and inherit it.
  process.env[JOB_CHANNEL_VARIABLE] = channel.path;

  // A job's connect gets the CPU the replacement of its idle process would have taken.
  await deferIdleProcessRefill();
  const serverOptions = new ServerOptions({ ...options.worker, production: true });
  const measureLoad = serverOptions.loadFunc;
  serverOptions.loadFunc = async (worker) => {
    const load = await measureLoad(worker);
    metrics.load.set(load);
    return load;
  };
  const server = new AgentServer(serverOptions);
  server.event.on('worker_msg', ({ message }: OutgoingMessage) => {
    if (message.case !== 'availability') return;
    const { available } = message.value as { available: boolean };
    metrics.jobs.inc({ result: available ? 'accepted' : 'refused' });
  });
  const served =
    options.metricsPort === undefined
      ? undefined
      : await metrics.serve(options.metricsPort, options.metricsHost);
  if (served) logger.info({ port: served.port }, 'serving metrics on /metrics');

  let draining = false;
  const drain = async (signal: string) => {
    if (draining) return;
    draining = true;
    const deadline = Date.now() + options.drainLimitSeconds * 1000;
    logger.info({ signal, drainLimitSeconds: options.drainLimitSeconds }, 'draining');
    channel.broadcast({ type: 'drain', deadline });
    const limitMs = (options.drainLimitSeconds + GOODBYE_GRACE_SECONDS) * 1000;
    const stopAt = Date.now() + limitMs;
    try {
      await server.drain(limitMs);
    } catch (error) {
      // @livekit/agents 1.9's drain also rejects at once ("runner not started") when an
      // idle job process is still starting; it is already FULL and refusing jobs then, so
      // the calls are waited for here.
      logger.warn({ error }, 'the framework stopped draining; waiting for the calls');
    }
    while (server.activeJobs.length > 0 && Date.now() < stopAt) {
      await delay(500);
    }
    if (server.activeJobs.length > 0) logger.warn('calls still running; stopping them');
    await server.close();
    channel.close();
    served?.server.close();
    logger.info('drained');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      void drain(signal).catch((error: unknown) => {
        logger.error({ error }, 'drain failed');
        process.exit(1);
      });
    });
  }
  try {
    await server.run();
  } catch (error) {
    logger.fatal({ error }, 'worker failed');
    process.exit(1);
  }
}
