import type { RawData, WebSocket } from 'ws';
import { Connection } from './connection.js';
import { clientContentTurns, sequence } from './context.js';
import type { ServerEvent } from './events.js';
import { durationString, type SessionLimits } from './limits.js';
import { type PlayerDeps, playEvents } from './player.js';
import { type ModelSession, ResumptionStore } from './resumption.js';
import { type ConnectionFault, type Reaction, SPEECH_END_MS, takeReaction } from './script.js';
import type { ToolLedger } from './tool-ledger.js';
import { audioLevel, kindOf, type ReceivedMessage, type SentMessage } from './wire.js';

export interface InboundOptions {
  resumption: boolean;
  settleMs: number;
  setupDelayMs: number;
  inboundLatencyMs: number;
  refuseResumeWhileOpen: boolean;
  limits: SessionLimits;
  reactions: Reaction[];
  tools: ToolLedger;
  record(received: ReceivedMessage): void;
  recordSent(sent: SentMessage): void;
}

/** The stand-in's side of every connection: setup, resumption, limits, reactions. */
export class Inbound {
  readonly connections: Connection[] = [];
  readonly handles = new ResumptionStore();
  readonly tools: ToolLedger;
  readonly #deps: PlayerDeps;
  #callCount = 0;
  #sessionCount = 0;

  constructor(readonly options: InboundOptions) {
    this.tools = options.tools;
    this.#deps = {
      tools: options.tools,
      nextCallId: () => {
        this.#callCount += 1;
        return `call-${this.#callCount}`;
      },
      resumptionUpdate: (connection) => this.#resumptionUpdate(connection),
    };
  }

  accept(socket: WebSocket, fault: ConnectionFault | undefined): void {
    // The plugin treats any close code but 1000 as fatal; ws would echo a bare close as 1005.
    const close = socket.close.bind(socket);
    let connection: Connection | undefined;
    socket.close = (code?: number, reason?: string | Buffer) => {
      const linger = connection?.open ? connection.linger : undefined;
      if (!connection || !linger) return close(code ?? 1000, reason);
      // ws answers a client's close frame through this method, with the socket still open.
      connection.linger = undefined;
      const lingering = connection;
      void this.play(lingering, linger.events ?? []).finally(() =>
        setTimeout(() => lingering.close(linger.code ?? 1011, linger.reason), linger.ms),
      );
    };
    socket.on('error', () => {});
    // Timers of equal delay fire in the order they were set: messages stay in order.
    const latency = this.options.inboundLatencyMs;
    const delayed = (handle: (data: RawData) => void) => (data: RawData) =>
      latency > 0 ? setTimeout(() => handle(data), latency) : handle(data);
    socket.on(
      'message',
      delayed((data) => {
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
          const id = this.connections.length + 1;
          connection = new Connection(id, socket, (message) =>
            this.options.recordSent({ connection: id, message }),
          );
          this.connections.push(connection);
        } else {
          connection.markReady();
        }
        const received: ReceivedMessage = { connection: connection.id, kind, message };
        this.options.record(received);
        if (!connection.silent) this.#handle(connection, received, fault);
      }),
    );
  }

  play(connection: Connection, events: ServerEvent[], interrupts = false): Promise<void> {
    return playEvents(connection, events, this.#deps, interrupts);
  }

  #handle(connection: Connection, received: ReceivedMessage, fault?: ConnectionFault): void {
    const { message } = received;
    const input = received.kind === 'realtimeInput' || received.kind === 'toolResponse';
    if (input || message.clientContent?.turnComplete) {
      connection.firstInputSeq = Math.min(connection.firstInputSeq, sequence());
    }
    switch (received.kind) {
      case 'setup':
        this.#setup(connection, received, fault);
        break;
      case 'clientContent':
        connection.context.push(...clientContentTurns(message.clientContent));
        if (message.clientContent.turnComplete) {
          this.#fire(connection, received, (t) => t.on === 'clientTurn');
        }
        break;
      case 'toolResponse':
        for (const response of message.toolResponse.functionResponses ?? []) {
          this.tools.answered(connection.id, response);
          connection.openCalls.delete(response.id);
        }
        this.#fire(connection, received, (t) => t.on === 'toolResponse');
        break;
      case 'realtimeInput': {
        const { audio, text } = message.realtimeInput;
        if (typeof text === 'string' && text) {
          connection.context.push({ role: 'user', text, source: 'realtimeText', seq: sequence() });
        }
        if (typeof audio?.data === 'string') this.#onAudio(connection, received, audio.data);
        break;
      }
      default:
        break;
    }
  }

  /** Answers `setup`, or refuses it: an unusable handle with 1007, as Gemini does. */
  #setup(connection: Connection, received: ReceivedMessage, fault?: ConnectionFault): void {
    connection.setupSeq = sequence();
    const setup = received.message.setup;
    connection.wantsResumption = this.options.resumption && setup.sessionResumption !== undefined;
    if (fault?.fault === 'ignoreSetup') {
      connection.silent = true;
      return;
    }
    const handle: string | undefined = setup.sessionResumption?.handle;
    let session: ModelSession | undefined;
    if (handle) {
      connection.handle = handle;
      const stored = this.handles.lookup(handle, this.options.limits.handleTtlMs);
      const issuer = this.connections.find((c) => c.id === this.handles.issuerOf(handle));
      if (typeof stored === 'string') {
        connection.handleOutcome = 'refused';
        connection.close(1007, `Invalid session resumption handle: ${stored}.`);
        return;
      }
      if (this.options.refuseResumeWhileOpen && issuer?.open) {
        connection.handleOutcome = 'refused';
        connection.close(1011, 'The session is still in use.');
        return;
      }
      connection.handleOutcome = 'restored';
      connection.context.push(
        ...stored.turns.map((turn) => ({ ...turn, source: 'restored' as const })),
      );
      session = stored.session;
    }
    if (!session) {
      this.#sessionCount += 1;
      session = { id: this.#sessionCount, audioMs: 0, compression: false, spent: false };
    }
    connection.session = session;
    connection.session.compression = setup.contextWindowCompression !== undefined;
    setTimeout(() => this.#completeSetup(connection, received, fault), this.options.setupDelayMs);
  }

  #completeSetup(connection: Connection, received: ReceivedMessage, fault?: ConnectionFault) {
    if (!connection.open) return;
    connection.setUp = true;
    connection.send({ setupComplete: {} });
    setTimeout(connection.markReady, this.options.settleMs);
    if (fault?.fault === 'silentAfterSetup') {
      connection.silent = true;
      return;
    }
    const { connectionMs, goAwayLeadMs, resumptionUpdateMs } = this.options.limits;
    connection.later(connectionMs - goAwayLeadMs, () => {
      void this.play(connection, [{ type: 'goAway', timeLeft: durationString(goAwayLeadMs) }]);
    });
    if (connection.wantsResumption) {
      void connection.ready.then(() => this.#resumptionUpdate(connection));
      connection.every(resumptionUpdateMs, () => this.#resumptionUpdate(connection));
    }
    this.#fire(connection, received, (t) => t.on === 'setup');
  }

  /** A new handle for the context so far, or `resumable: false` mid-generation or tool call. */
  #resumptionUpdate(connection: Connection): void {
    if (!connection.wantsResumption || connection.silent || !connection.session) return;
    if (!connection.resumable) {
      connection.send({ sessionResumptionUpdate: { resumable: false } });
      return;
    }
    const newHandle = this.handles.issue(connection.id, connection.session, connection.context);
    connection.send({ sessionResumptionUpdate: { newHandle, resumable: true } });
  }

  #onAudio(connection: Connection, received: ReceivedMessage, data: string): void {
    const { level, ms } = audioLevel(data);
    this.#spendAudio(connection, ms);
    const speech = this.options.reactions.filter(
      (r): r is Reaction & { on: 'speech' } => r.on === 'speech',
    );
    const minLevel = Math.min(...speech.map((r) => r.minLevel ?? 0.02));
    if (level < minLevel) {
      connection.quietMs += ms;
      if (connection.quietMs >= Math.min(...speech.map((r) => r.endMs ?? SPEECH_END_MS))) {
        connection.speechMs = 0;
        connection.speechFired = false;
      }
      return;
    }
    connection.quietMs = 0;
    connection.speechMs += ms;
    if (connection.speechFired) return;
    const due = (t: Reaction) =>
      t.on === 'speech' && level >= (t.minLevel ?? 0.02) && connection.speechMs >= (t.minMs ?? 100);
    // New speech interrupts the turn: like Gemini, its reply cancels the calls left unanswered.
    if (this.#fire(connection, received, due, true)) connection.speechFired = true;
  }

  /** Counts session audio; past the budget (no compression) the session ends: goAway, 1011. */
  #spendAudio(connection: Connection, ms: number): void {
    const session = connection.session;
    if (!session || !connection.setUp) return;
    session.audioMs += ms;
    const { sessionAudioMs, goAwayLeadMs } = this.options.limits;
    if (session.compression || session.spent || session.audioMs < sessionAudioMs) return;
    session.spent = true;
    void this.play(connection, [{ type: 'goAway', timeLeft: durationString(goAwayLeadMs) }]);
  }

  #fire(
    connection: Connection,
    received: ReceivedMessage,
    matches: (t: Reaction) => boolean,
    interrupts = false,
  ): boolean {
    const reaction = takeReaction(this.options.reactions, matches);
    if (!reaction) return false;
    const events =
      typeof reaction.reply === 'function'
        ? reaction.reply(received, connection.context)
        : reaction.reply;
    void this.play(connection, events, interrupts);
    return true;
  }
}
