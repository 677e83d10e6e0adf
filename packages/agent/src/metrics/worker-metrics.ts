import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobEvent } from '../lifecycle/job-channel.js';

/** Seconds from the visitor's arrival to the agent's first audio, and per turn. */
const LATENCY_BUCKETS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13];

/**
 * The worker's Prometheus metrics (prom-client). Job processes report their calls over the
 * job channel; the worker counts its own jobs and load. Names: docs/deployment.md#metrics.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly activeSessions = new Gauge({
    name: 'voice_agent_active_sessions',
    help: 'Calls running on this worker.',
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'voice_agent_jobs_total',
    help: 'Jobs offered to this worker, by result: accepted, refused (full or draining), failed (the call ended on an error), resumed (a job dispatched again after its worker was lost that went on with the stored conversation).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly load = new Gauge({
    name: 'voice_agent_worker_load',
    help: 'The load this worker last reported to LiveKit (0-1; FULL at the load threshold).',
    registers: [this.registry],
  });
  readonly geminiReconnects = new Counter({
    name: 'voice_agent_gemini_reconnects_total',
    help: 'Reconnections of Gemini Live sessions, by cause.',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });
  readonly firstAnswer = new Histogram({
    name: 'voice_agent_first_answer_seconds',
    help: 'From the start of a call to the first audio of the agent.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly responseLatency = new Histogram({
    name: 'voice_agent_response_latency_seconds',
    help: 'From the end of the visitor speaking to the agent speaking, per turn.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly toolCalls = new Counter({
    name: 'voice_agent_tool_calls_total',
    help: 'Tool calls, by kind (server, http, client) and outcome (ok, error).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly preConnectAudio = new Counter({
    name: 'voice_agent_preconnect_audio_sessions_total',
    help: 'Calls that began with audio the visitor spoke before the agent joined.',
    registers: [this.registry],
  });
  readonly preConnectSeconds = new Counter({
    name: 'voice_agent_preconnect_audio_seconds_total',
    help: 'Seconds of pre-connect audio played to the model.',
    registers: [this.registry],
  });

  constructor() {
    // Every result shows from the first scrape, at 0.
    for (const result of ['accepted', 'refused', 'failed', 'resumed']) this.jobs.inc({ result }, 0);
  }

  /** Applies one event a job process reported. */
  record(event: JobEvent): void {
    switch (event.type) {
      case 'session':
        if (event.state === 'started') this.activeSessions.inc();
        else this.activeSessions.dec();
        if (event.state === 'failed') this.jobs.inc({ result: 'failed' });
        break;
      case 'first-answer':
        this.firstAnswer.observe(event.seconds);
        break;
      case 'response':
        this.responseLatency.observe(event.seconds);
        break;
      case 'tool-call':
        this.toolCalls.inc({ kind: event.kind, outcome: event.outcome });
        break;
      case 'preconnect-audio':
        this.preConnectAudio.inc();
        this.preConnectSeconds.inc(event.seconds);
        break;
      case 'resumed':
        this.jobs.inc({ result: 'resumed' });
        break;
      case 'gemini-reconnect':
        this.geminiReconnects.inc({ cause: event.cause });
        break;
    }
  }

  /** Serves `GET /metrics` on `port` (0: any free port); resolves with the port. */
  async serve(port: number, host: string): Promise<{ port: number; server: Server }> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed'),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    return { port: typeof address === 'object' && address ? address.port : port, server };
  }
}
