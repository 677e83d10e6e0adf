import type { LiveServerMessage } from '@google/genai';
import { log } from '@livekit/agents';
import type { realtime } from '@livekit/agents-plugin-google';
import { AnswerWatch } from './answer-watch.js';
import { Attempts } from './attempts.js';
import '../framework/interrupted-tool-calls.js';
import { type ClientEvent, FrameworkShapeError } from '../framework/google-plugin.js';
import { ConnectError, type GeminiConnection, openSessionConnection } from './connection.js';
import { goAwayDeadline, type ResilienceOptions } from './policy.js';
import { ReplayState } from './replay-state.js';
import { SwitchPlan } from './switch-plan.js';
import { ToolTurnSession } from './tool-turn-session.js';
import { reconnectCause, WakeSignal } from './wake.js';
import { sendEvent } from './wire.js';

/** Close code of a refused resumption handle (and of other invalid arguments). */
const INVALID_ARGUMENT = 1007;

/**
 * The Google plugin's RealtimeSession with our own connection loop: one logical Gemini
 * session over as many WebSocket connections as it takes. A goAway or new tools move to a
 * new connection at the next quiet moment (audio meanwhile is buffered and played to the new
 * one), an unplanned close reconnects with backoff, a new connection resumes with the last
 * handle or else gets the history (never both), and nothing queued for Gemini is dropped.
 * All turn handling stays the plugin's.
 */
export class ResilientRealtimeSession extends ToolTurnSession {
  readonly #options: ResilienceOptions;
  readonly #logger = log();
  readonly #replay = new ReplayState();
  readonly #wake = new WakeSignal();
  readonly #switch: SwitchPlan;
  #current: GeminiConnection | undefined;
  #currentSince = 0;
  /** Bumped by every change of tools or options: a connection set up before it is outdated. */
  #configVersion = 0;
  #closed = false;
  readonly #attempts: Attempts;
  readonly #answerWatch: AnswerWatch;
  /** The current connection is being replaced: nothing more goes to it or comes from it. */
  #detached = false;
  /** Waiting for a current connection with no switch planned. */
  #settledWaiters: (() => void)[] = [];

  constructor(model: realtime.RealtimeModel, options: ResilienceOptions) {
    super(model, options);
    this.#options = options;
    this.#attempts = new Attempts(options, (error) => this.emitError(error, false));
    this.#answerWatch = new AnswerWatch(options.answerTimeoutMs);
    this.#switch = new SwitchPlan(
      (reason) => this.#wake.signal({ reason }),
      options.freshHandleWaitMs,
      () => this.#busy(),
    );
    void this.#run();
  }

  /**
   * Resolves once a connection is current and no switch is planned: a reply requested then
   * goes out at once (the plugin gives a reply request 5 s to start answering).
   */
  settled(): Promise<void> {
    if (this.#isSettled() || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
  }

  #isSettled(): boolean {
    return this.#current !== undefined && !this.#detached && !this.#switch.planned;
  }

  protected override enqueue(event: ClientEvent): void {
    this.#replay.outbox.push(event);
    this.#flush();
  }

  protected override afterToolTurn(): void {
    this.#checkSwitch();
  }

  /**
   * The plugin restarts for new tools or options. Like a goAway, the new connection takes
   * over at the next quiet moment: a switch in the middle of an answer would cut it off, and
   * one while a reply request is unanswered could resume a context that holds the request
   * without anyone answering it.
   */
  override markRestartNeeded(): void {
    if (this.#closed) return;
    this.#configVersion += 1;
    if (this.#switch.plan('restart', Number.POSITIVE_INFINITY)) this.#checkSwitch();
  }

  /** Planned: switch at the end of the current answer, before the deadline. */
  override handleGoAway(goAway: { timeLeft?: string }): void {
    const deadline = goAwayDeadline(goAway.timeLeft, this.#options.goAwayMarginMs);
    this.#logger.info({ timeLeft: goAway.timeLeft }, 'Gemini goAway: switching connections');
    if (this.#switch.plan('goAway', deadline)) this.#checkSwitch();
  }

  override async close(): Promise<void> {
    this.#closed = true;
    this.#answerWatch.disarm();
    this.#wake.signal({ reason: 'closed' });
    this.#switch.clear();
    for (const resolve of this.#settledWaiters.splice(0)) resolve();
    await super.close();
    this.#current?.close();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const resume = this.#replay.resumeHandle;
      const configVersion = this.#configVersion;
      let connection: GeminiConnection;
      try {
        connection = await openSessionConnection(this, resume, this.#options);
      } catch (error) {
        if (this.#closed) return;
        if (error instanceof FrameworkShapeError) return this.#attempts.fail(error);
        const refused = error instanceof ConnectError && error.close?.code === INVALID_ARGUMENT;
        if (resume && refused) {
          this.#logger.warn('Gemini refused the resumption handle; replaying the history instead');
          this.#replay.forgetHandle();
          continue;
        }
        if (!(await this.#attempts.backOff(error, () => this.#closed))) return;
        continue;
      }
      if (this.#closed) {
        connection.close();
        return;
      }
      this.#answerWatch.disarm();
      await this.#adopt(connection, resume !== undefined, configVersion);
      const wake = await this.#wake.wait();
      this.#detached = true;
      // Closed before the next one resumes: Gemini can refuse (1011) a resume while the
      // connection that issued the handle is still open. What it sends from now on is moot.
      connection.close();
      if (wake.reason === 'closed') return;
      this.#options.onReconnect?.(reconnectCause(wake));
      // An answer cut off (a lost connection, a goAway with no time to finish) ends here: the
      // visitor's words of its turn go into the history, and the new connection answers again.
      this.resetTurnState();
      if (wake.reason === 'lost') {
        this.#logger.warn(wake.close, 'Gemini connection lost; reconnecting');
        this.#attempts.reconnecting();
        const closed = new Error(`closed ${wake.close.code} ${wake.close.reason}`);
        const unstable = Date.now() - this.#currentSince < this.#options.stableMs;
        if (unstable && !(await this.#attempts.backOff(closed, () => this.#closed))) return;
      }
    }
  }

  /** Makes `connection` current: the context goes in once, then what was waiting. */
  async #adopt(
    connection: GeminiConnection,
    resumed: boolean,
    configVersion: number,
  ): Promise<void> {
    const previous = this.#current;
    const unlock = await this.sessionLock.lock();
    try {
      if (resumed) {
        this.#replay.resumed();
      } else {
        const [turns] = (await this._chatCtx
          .copy({ excludeFunctionCall: true })
          .toProviderFormat('google', false)) as [unknown[], unknown];
        if (turns.length > 0)
          connection.session.sendClientContent({ turns: turns as never, turnComplete: false });
        this.#replay.replayedHistory(turns);
      }
      this.#current = connection;
      this.#currentSince = Date.now();
      this.activeSession = connection.session;
      this.#detached = false;
      this.#wake.settle();
      previous?.close();
    } finally {
      unlock();
    }
    this.#switch.clear();
    this.#attempts.connected(!previous);
    // New tools or options came while this one was connecting: nothing has been sent on it
    // yet, so it is replaced at once and what waits goes to the next one.
    if (configVersion !== this.#configVersion) {
      this.#detached = true;
      this.#wake.signal({ reason: 'restart' });
      return;
    }
    connection.start({
      onMessage: (message) => this.#onMessage(connection, message),
      onClose: (close) => {
        if (connection === this.#current && !this.#detached)
          this.#wake.signal({ reason: 'lost', close });
      },
    });
    this.#flush();
    if (this.#isSettled()) for (const resolve of this.#settledWaiters.splice(0)) resolve();
  }

  #onMessage(connection: GeminiConnection, message: LiveServerMessage): void {
    if (connection !== this.#current || this.#detached) return;
    this.#answerWatch.disarm();
    this.#replay.received(message);
    void this.onReceiveMessage(connection.session, message).then(() => {
      if (this.holdingToolTurn && !message.toolCall) this.quietToolTurn();
      this.#checkSwitch();
    });
  }

  /** Sends what is queued while the current connection is open and not being replaced. */
  #flush(): void {
    const connection = this.#current;
    if (!connection?.open || this.#detached || this.sessionShouldClose.isSet) return;
    const { outbox } = this.#replay;
    for (let event = outbox.shift(); event; event = outbox.shift()) {
      if (sendEvent(this, connection.session, event) && this.#replay.sent(event)) {
        this.#watchForAnswer(connection);
      }
    }
  }

  /** A silent connection is replaced (what it was sent is replayed). */
  #watchForAnswer(connection: GeminiConnection): void {
    this.#answerWatch.arm(() => {
      if (connection !== this.#current || this.#detached) return;
      const close = { code: 1006, reason: `no answer within ${this.#options.answerTimeoutMs} ms` };
      this.#wake.signal({ reason: 'lost', close });
      connection.close();
    });
  }

  /** A planned switch waits for a quiet moment: no answer, tool call or reply request open. */
  #checkSwitch(): void {
    if (!this.#switch.planned || this.#closed || this.#detached) return;
    if (!this.#busy()) this.#switch.quiet(this.#replay.stale);
  }

  /** An answer, tool call or reply request is open. */
  #busy(): boolean {
    return (
      (this.currentGeneration !== undefined && !this.currentGeneration._done) ||
      this.generationPendingTurnComplete !== undefined ||
      this.pendingToolCallIds.size > 0 ||
      (this.pendingGenerationFut !== undefined && !this.pendingGenerationFut.done)
    );
  }
}
