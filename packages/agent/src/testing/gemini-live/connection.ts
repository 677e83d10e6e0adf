import type { WebSocket } from 'ws';
import type { ContextTurn } from './context.js';
import type { ServerEvent } from './events.js';
import type { ModelSession } from './resumption.js';

/** How a connection's resume went. */
export type HandleOutcome = 'none' | 'restored' | 'refused';

/** How a connection ended. */
export interface ConnectionEnd {
  code: number;
  reason: string;
  /** Who closed: the stand-in (a scripted or limit close) or the client. */
  by: 'server' | 'client';
}

/** One WebSocket connection of a client to the stand-in. */
export class Connection {
  /** Everything the model "knows" on this connection (see `ContextTurn`). */
  readonly context: ContextTurn[] = [];
  /** Function calls sent and not answered yet. */
  readonly openCalls = new Set<string>();
  /** Arrival number of its `setup` (see `sequence`). */
  setupSeq = 0;
  /**
   * Arrival number of its first new input (audio, realtime text, a turn to answer, a tool
   * response): `clientContent` turns before it are history given to the model.
   */
  firstInputSeq = Number.POSITIVE_INFINITY;
  /** The handle the client gave in `setup`, and what came of it. */
  handle: string | undefined;
  handleOutcome: HandleOutcome = 'none';
  session: ModelSession | undefined;
  /** The client asked for resumption updates. */
  wantsResumption = false;
  /** Between the first model output of a turn and its `turnComplete`/`interrupted`. */
  generating = false;
  /** Answers nothing any more (a `silence` event or fault). */
  silent = false;
  /** Setup was answered with `setupComplete`. */
  setUp = false;
  /** Loud audio since the visitor's speech began, and whether it was answered. */
  speechMs = 0;
  speechFired = false;
  /** Quiet audio since the last loud chunk. */
  quietMs = 0;
  ended: ConnectionEnd | undefined;
  /** How to answer the client's close, when a `lingerOnClose` event said so. */
  linger: Extract<ServerEvent, { type: 'lingerOnClose' }> | undefined;
  /** Resolves when the client can take server messages (see the server's `#open`). */
  readonly ready: Promise<void>;
  markReady: () => void = () => {};
  readonly #timers = new Set<NodeJS.Timeout>();
  #closing: { code: number; reason: string } | undefined;

  constructor(
    readonly id: number,
    readonly socket: WebSocket,
    /** Hears every message sent and every close the stand-in makes on it. */
    private readonly recordSent: (message: Record<string, unknown>) => void = () => {},
  ) {
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    socket.on('close', (code, reason) => {
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
      this.ended = this.#closing
        ? { ...this.#closing, by: 'server' }
        : { code, reason: reason.toString(), by: 'client' };
    });
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN && !this.#closing;
  }

  /** Whether Gemini would offer a handle now: not during a generation or a tool call. */
  get resumable(): boolean {
    return !this.generating && this.openCalls.size === 0;
  }

  send(message: Record<string, unknown>): void {
    if (!this.open) return;
    this.socket.send(JSON.stringify(message));
    this.recordSent(message);
  }

  close(code: number, reason = ''): void {
    if (!this.open) return;
    this.recordSent({ close: { code, reason } });
    this.#closing = { code, reason };
    this.socket.close(code, reason);
  }

  /** Runs `action` after `ms` unless the connection has closed (timers never hold the process). */
  later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.open) action();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Like `later`, every `ms`. */
  every(ms: number, action: () => void): void {
    this.later(ms, () => {
      action();
      this.every(ms, action);
    });
  }
}
