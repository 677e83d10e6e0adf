import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ServerEvent } from './events.js';
import {
  audioLevel,
  declaredTools,
  kindOf,
  type ReceivedKind,
  type ReceivedMessage,
  toServerMessages,
} from './wire.js';

/** Input that can trigger a scripted reply. */
export type Trigger =
  /** A `clientContent` with `turnComplete: true` (generateReply, typed chat). */
  | { on: 'clientTurn' }
  /** A `toolResponse` (the answer to the model's tool calls). */
  | { on: 'toolResponse' }
  /** A new session after `setupComplete`. */
  | { on: 'setup' }
  /** Audio input: `minMs` of audio whose RMS (0–1) is at least `minLevel`. Re-arms after quiet. */
  | { on: 'speech'; minLevel?: number; minMs?: number };

/** A rule: when the trigger fires, play the reply on that connection. */
export type Reaction = Trigger & {
  reply: ServerEvent[] | ((received: ReceivedMessage) => ServerEvent[]);
  /** How many times the rule fires; unlimited when omitted. */
  times?: number;
};

export interface StandInOptions {
  /** Listen address; default 127.0.0.1, port 0 (a free port). */
  host?: string;
  port?: number;
  /** Send `sessionResumptionUpdate` handles when the client asks for resumption; default true. */
  resumption?: boolean;
  /** Initial reactions, e.g. a scripted conversation for an offline demo. */
  reactions?: Reaction[];
  /**
   * How long after `setupComplete` a session counts as ready when the client has sent
   * nothing yet; default 500 ms (see `play`).
   */
  settleMs?: number;
  /** Delay before answering `setup`, to simulate a slow Gemini; default 0. */
  setupDelayMs?: number;
}

const PATH_PATTERN = /\.BidiGenerateContent(Constrained)?$/;

interface Connection {
  id: number;
  socket: WebSocket;
  speechMs: number;
  speechFired: boolean;
  /** Function calls sent and not answered yet. */
  openCalls: Set<string>;
  /** Resolves when the client can take server messages (see `#open`). */
  ready: Promise<void>;
  markReady: () => void;
}

/**
 * A local Gemini Live (BidiGenerateContent) server for tests and offline demos. It speaks the
 * JSON protocol as @google/genai does: answers `setup` with `setupComplete`, records every
 * client message, plays scripted server events and reacts to input. Point the Google plugin
 * at {@link GeminiLiveStandIn.baseUrl} (`GOOGLE_GEMINI_BASE_URL` or `httpOptions.baseUrl`).
 */
export class GeminiLiveStandIn {
  /** Every client message, in order of arrival. */
  readonly received: ReceivedMessage[] = [];
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #connections: Connection[] = [];
  readonly #reactions: Reaction[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #resumption: boolean;
  readonly #settleMs: number;
  readonly #setupDelayMs: number;
  #callCount = 0;

  private constructor(http: Server, options: StandInOptions) {
    this.#http = http;
    this.#resumption = options.resumption ?? true;
    this.#settleMs = options.settleMs ?? 500;
    this.#setupDelayMs = options.setupDelayMs ?? 0;
    this.#reactions.push(...(options.reactions ?? []));
    http.on('upgrade', (request, socket, head) => {
      const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
      if (!PATH_PATTERN.test(path)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws));
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
    return this.#connections.length;
  }

  /** The recorded messages of one kind. */
  messages(kind: ReceivedKind): ReceivedMessage[] {
    return this.received.filter((m) => m.kind === kind);
  }

  /** Adds a reaction rule (see {@link Reaction}). */
  react(reaction: Reaction): void {
    this.#reactions.push(reaction);
  }

  /** Resolves with the first recorded message (past or future) that matches. */
  async waitFor(
    kind: ReceivedKind,
    predicate: (m: ReceivedMessage) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<ReceivedMessage> {
    return this.#until(
      () => this.received.find((m) => m.kind === kind && predicate(m)),
      timeoutMs,
      `a ${kind} message`,
    );
  }

  /** Resolves once `count` sessions have completed setup. */
  async waitForConnection(count: number, timeoutMs = 10_000): Promise<void> {
    await this.#until(
      () => (this.#connections.length >= count ? true : undefined),
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

  /** Plays events on a session: by default the newest (the one the client is using). */
  async play(events: ServerEvent[], connectionId?: number): Promise<void> {
    const connection =
      connectionId === undefined
        ? this.#connections.at(-1)
        : this.#connections.find((c) => c.id === connectionId);
    if (!connection) throw new Error('no such client session on the stand-in');
    await this.#play(connection, events);
  }

  /** Closes every session with code 1000 and stops listening. */
  async close(): Promise<void> {
    for (const { socket } of this.#connections) socket.close(1000);
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`Gemini stand-in: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  #accept(socket: WebSocket): void {
    // The plugin treats any close code but 1000 as fatal; ws would echo a bare close as 1005.
    const close = socket.close.bind(socket);
    socket.close = (code?: number, reason?: string | Buffer) => close(code ?? 1000, reason);
    let connection: Connection | undefined;
    socket.on('message', (data) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        socket.close(1007, 'invalid JSON');
        return;
      }
      const kind = kindOf(message);
      if (!connection) {
        if (kind !== 'setup') {
          socket.close(1007, 'the first message must be setup');
          return;
        }
        connection = this.#open(socket);
      } else {
        connection.markReady();
      }
      const received: ReceivedMessage = { connection: connection.id, kind, message };
      this.received.push(received);
      for (const waiter of [...this.#waiters]) waiter();
      this.#handle(connection, received);
    });
  }

  /**
   * The plugin drops server messages that arrive between `setupComplete` and the moment it
   * adopts the session, so scripted events wait until the client has sent something after
   * setup (it only sends once it has adopted the session) or `settleMs` have passed.
   */
  #open(socket: WebSocket): Connection {
    let markReady = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const connection: Connection = {
      id: this.#connections.length + 1,
      socket,
      speechMs: 0,
      speechFired: false,
      openCalls: new Set(),
      ready,
      markReady,
    };
    this.#connections.push(connection);
    return connection;
  }

  #handle(connection: Connection, received: ReceivedMessage): void {
    const { message } = received;
    switch (received.kind) {
      case 'setup':
        setTimeout(() => this.#completeSetup(connection, received), this.#setupDelayMs);
        break;
      case 'clientContent':
        if (message.clientContent.turnComplete) {
          this.#fire(connection, received, (t) => t.on === 'clientTurn');
        }
        break;
      case 'toolResponse':
        for (const response of message.toolResponse.functionResponses ?? []) {
          connection.openCalls.delete(response.id);
        }
        this.#fire(connection, received, (t) => t.on === 'toolResponse');
        break;
      case 'realtimeInput':
        if (typeof message.realtimeInput.audio?.data === 'string') {
          this.#onAudio(connection, received, message.realtimeInput.audio.data);
        }
        break;
      default:
        break;
    }
  }

  #completeSetup(connection: Connection, received: ReceivedMessage): void {
    this.#send(connection, { setupComplete: {} });
    setTimeout(connection.markReady, this.#settleMs);
    if (this.#resumption && received.message.setup.sessionResumption) {
      const newHandle = `handle-${connection.id}`;
      void this.#play(connection, [{ type: 'sessionResumptionUpdate', newHandle }]);
    }
    this.#fire(connection, received, (t) => t.on === 'setup');
  }

  #onAudio(connection: Connection, received: ReceivedMessage, data: string): void {
    const { level, ms } = audioLevel(data);
    const speech = this.#reactions.filter(
      (r): r is Reaction & { on: 'speech' } => r.on === 'speech',
    );
    const minLevel = Math.min(...speech.map((r) => r.minLevel ?? 0.02));
    if (level < minLevel) {
      connection.speechMs = 0;
      connection.speechFired = false;
      return;
    }
    connection.speechMs += ms;
    if (connection.speechFired) return;
    const due = (t: Reaction) =>
      t.on === 'speech' && level >= (t.minLevel ?? 0.02) && connection.speechMs >= (t.minMs ?? 100);
    // New speech interrupts the turn: like Gemini, its reply cancels the calls left unanswered.
    if (this.#fire(connection, received, due, true)) connection.speechFired = true;
  }

  #fire(
    connection: Connection,
    received: ReceivedMessage,
    matches: (t: Reaction) => boolean,
    interrupts = false,
  ) {
    const reaction = this.#reactions.find((r) => matches(r) && (r.times ?? 1) > 0);
    if (!reaction) return false;
    if (reaction.times !== undefined) reaction.times -= 1;
    const events = typeof reaction.reply === 'function' ? reaction.reply(received) : reaction.reply;
    void this.#play(connection, events, interrupts);
    return true;
  }

  /**
   * Plays `events` once the connection is ready. An interrupting reply first cancels the open
   * calls, then and not when it was triggered: several messages can arrive in one read (ws
   * emits them synchronously), so an earlier reply may not have sent its calls yet.
   */
  async #play(connection: Connection, events: ServerEvent[], interrupts = false): Promise<void> {
    await connection.ready;
    if (interrupts && connection.openCalls.size > 0) {
      this.#send(connection, { toolCallCancellation: { ids: [...connection.openCalls] } });
      connection.openCalls.clear();
    }
    for (const event of events) {
      if (event.type === 'wait') {
        await new Promise((resolve) => setTimeout(resolve, event.ms));
        continue;
      }
      const messages = toServerMessages(event, () => {
        this.#callCount += 1;
        return `call-${this.#callCount}`;
      });
      for (const message of messages) {
        const calls = (message.toolCall as { functionCalls?: { id: string }[] } | undefined)
          ?.functionCalls;
        for (const call of calls ?? []) connection.openCalls.add(call.id);
      }
      for (const message of messages) this.#send(connection, message);
    }
  }

  #send(connection: Connection, message: Record<string, unknown>): void {
    if (connection.socket.readyState === connection.socket.OPEN) {
      connection.socket.send(JSON.stringify(message));
    }
  }
}
