import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ServerEvent } from './events.js';
import { Inbound } from './inbound.js';
import { type SessionLimits, scaledLimits } from './limits.js';
import type { ConnectionSummary, StandInOptions } from './options.js';
import { type ConnectionFault, type Reaction, takeFault } from './script.js';
import { type ToolCallRecord, ToolLedger } from './tool-ledger.js';
import { type ContextVerdict, contextVerdict } from './verdict.js';
import {
  declaredTools,
  type ReceivedKind,
  type ReceivedMessage,
  type SentMessage,
} from './wire.js';

const PATH_PATTERN = /\.BidiGenerateContent(Constrained)?$/;

/**
 * A local Gemini Live (BidiGenerateContent) server for tests and offline demos. It speaks the
 * JSON protocol as @google/genai does and behaves like the real service over a long session:
 * resumption handles that restore the context they were issued with (1007 for unknown,
 * expired or spent ones), `goAway` then a 1011 close at the end of a connection's life, an
 * audio budget per session without `contextWindowCompression`, and scripted faults. It
 * records every client message and every message it sends (unless started with `record`
 * off), every tool call and its answers, and tells per connection
 * whether the model was given the earlier conversation once, twice or not at all. Point the
 * Google plugin at {@link GeminiLiveStandIn.baseUrl} (`GOOGLE_GEMINI_BASE_URL`).
 */
export class GeminiLiveStandIn {
  /** Every client message, in order of arrival (see `record` and `recordAudio`). */
  readonly received: ReceivedMessage[] = [];
  /** Every message the stand-in sent, and every close it made, in order (see `record`). */
  readonly sent: SentMessage[] = [];
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #inbound: Inbound;
  readonly #faults: ConnectionFault[];
  readonly #waiters = new Set<() => void>();
  readonly #recording: boolean;

  private constructor(http: Server, options: StandInOptions) {
    this.#http = http;
    this.#faults = [...(options.faults ?? [])];
    this.#recording = options.record ?? true;
    this.#inbound = new Inbound({
      resumption: options.resumption ?? true,
      settleMs: options.settleMs ?? 500,
      setupDelayMs: options.setupDelayMs ?? 0,
      inboundLatencyMs: options.inboundLatencyMs ?? 0,
      refuseResumeWhileOpen: options.refuseResumeWhileOpen ?? false,
      limits: scaledLimits(options.timeScale, options.limits),
      reactions: [...(options.reactions ?? [])],
      tools: new ToolLedger(),
      record: (received) => {
        const audio = received.message.realtimeInput?.audio;
        if (this.#recording && !(audio && options.recordAudio === false)) {
          this.received.push(received);
        }
        for (const waiter of [...this.#waiters]) waiter();
      },
      recordSent: (sent) => {
        if (!this.#recording) return;
        if (options.recordAudio === false && sent.message.serverContent?.modelTurn) return;
        this.sent.push(sent);
      },
    });
    http.on('upgrade', (request, socket, head) => {
      const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
      if (!PATH_PATTERN.test(path)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      const fault = takeFault(this.#faults);
      if (fault?.fault === 'refuseUpgrade') {
        const status = fault.status ?? 429;
        socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.#wss.handleUpgrade(request, socket, head, (ws) => this.#inbound.accept(ws, fault));
    });
  }

  /** Starts a stand-in on a free port. */
  static async start(options: StandInOptions = {}): Promise<GeminiLiveStandIn> {
    const http = createServer((_, res) => res.writeHead(404).end());
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    return new GeminiLiveStandIn(http, options);
  }

  /** `http://host:port`, for `GOOGLE_GEMINI_BASE_URL` / `httpOptions.baseUrl`. */
  get baseUrl(): string {
    const { address, port } = this.#http.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** Number of WebSocket sessions opened so far. */
  get connectionCount(): number {
    return this.#inbound.connections.length;
  }

  /** What became of each connection, in order. */
  get connections(): ConnectionSummary[] {
    return this.#inbound.connections.map((c) => ({
      id: c.id,
      setUp: c.setUp,
      handle: c.handleOutcome,
      ended: c.ended,
      context: c.context,
    }));
  }

  /** Every function call sent, with every answer the client gave to it. */
  get toolCalls(): ToolCallRecord[] {
    return this.#inbound.tools.calls;
  }

  /** Whether connection `id` was given the earlier conversation once, twice or not at all. */
  contextVerdict(id: number): ContextVerdict {
    const all = this.#inbound.connections;
    const connection = all.find((c) => c.id === id);
    if (!connection) throw new Error(`no connection ${id} on the stand-in`);
    return contextVerdict(connection, all, (handle) => this.#inbound.handles.issuerOf(handle));
  }

  /** The recorded messages of one kind. */
  messages(kind: ReceivedKind): ReceivedMessage[] {
    return this.received.filter((m) => m.kind === kind);
  }

  /**
   * Adds a reaction rule (see {@link Reaction}). The first rule that matches fires: `first`
   * puts this one before the others (a test's one-off turn over a demo's script).
   */
  react(reaction: Reaction, position: 'first' | 'last' = 'last'): void {
    if (position === 'first') this.#inbound.options.reactions.unshift(reaction);
    else this.#inbound.options.reactions.push(reaction);
  }

  /** Queues a fault for the next connection attempts (see {@link ConnectionFault}). */
  fault(fault: ConnectionFault): void {
    this.#faults.push({ ...fault });
  }

  /** Changes the limits for connections set up from now on (see {@link StandInOptions}). */
  setLimits(timeScale: number, limits: Partial<SessionLimits> = {}): void {
    this.#inbound.options.limits = scaledLimits(timeScale, limits);
  }

  /** Makes every handle issued so far expire: the next resume with one is refused (1007). */
  expireHandles(): void {
    this.#inbound.handles.expireAll();
  }

  /** Resolves with the first recorded message (past or future) that matches. */
  async waitFor(
    kind: ReceivedKind,
    predicate: (m: ReceivedMessage) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<ReceivedMessage> {
    if (!this.#recording)
      throw new Error('Gemini stand-in: started with record off, it has no message to wait for');
    return this.until(
      () => this.received.find((m) => m.kind === kind && predicate(m)),
      timeoutMs,
      `a ${kind} message`,
    );
  }

  /** Resolves once `count` sessions have sent their setup. */
  async waitForConnection(count: number, timeoutMs = 10_000): Promise<void> {
    await this.until(
      () => (this.connectionCount >= count ? true : undefined),
      timeoutMs,
      `connection ${count}`,
    );
  }

  /**
   * Resolves with the setup that declares exactly these function names (in any order). The
   * plugin reconnects whenever its tool set changes; this is how a test knows the session
   * it should talk to is the current one.
   */
  async waitForTools(names: string[], timeoutMs = 10_000): Promise<ReceivedMessage> {
    const wanted = [...names].sort().join(',');
    return this.waitFor('setup', (m) => declaredTools(m).sort().join(',') === wanted, timeoutMs);
  }

  /**
   * Plays events on a connection: by default the newest one that completed setup and is
   * still open (the one the client is using).
   */
  async play(events: ServerEvent[], connectionId?: number): Promise<void> {
    const all = this.#inbound.connections;
    const connection =
      connectionId === undefined
        ? (all.findLast((c) => c.setUp && c.open) ?? all.at(-1))
        : all.find((c) => c.id === connectionId);
    if (!connection) throw new Error('no such client session on the stand-in');
    await this.#inbound.play(connection, events);
  }

  /**
   * Resolves once `find` returns something, checked on every client message and every
   * 50 ms (for state that changes without one, like a close).
   */
  until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return;
        clearTimeout(timer);
        clearInterval(poll);
        this.#waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.#waiters.delete(check);
        reject(new Error(`Gemini stand-in: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const poll = setInterval(check, 50);
      this.#waiters.add(check);
      check();
    });
  }

  /** Closes every session with code 1000 and stops listening. */
  async close(): Promise<void> {
    for (const connection of this.#inbound.connections) connection.close(1000);
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}
