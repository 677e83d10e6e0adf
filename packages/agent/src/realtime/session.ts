import type { LiveServerMessage } from '@google/genai';
import { APIConnectionError, type llm, log } from '@livekit/agents';
import type { realtime } from '@livekit/agents-plugin-google';
import '../framework/interrupted-tool-calls.js';
import {
  assertPluginShape,
  assertSessionFields,
  type ClientEvent,
  FrameworkShapeError,
  type FunctionResponse,
  PluginSessionBase,
} from '../framework/google-plugin.js';
import type { OpenCall } from '../framework/interrupted-tool-calls.js';
import {
  type CloseInfo,
  ConnectError,
  type GeminiConnection,
  openConnection,
} from './connection.js';
import { EventList, withoutReplayed } from './outbox.js';
import { goAwayDeadline, type ResilienceOptions, type SwitchReason } from './policy.js';
import { clientOptionsOf, sendEvent } from './wire.js';

const expectsAnswer = (event: ClientEvent) =>
  event.type === 'tool_response' || (event.type === 'content' && event.value.turnComplete === true);

// The plugin starts its own connection loop in its constructor; the loop's first step is
// `closeActiveSession()`. While `constructing` is set, that call parks the loop for good.
let constructing = false;
let parked = false;
function parkPluginLoop(model: realtime.RealtimeModel): realtime.RealtimeModel {
  assertPluginShape();
  constructing = true;
  parked = false;
  return model;
}

/** Close code of a refused resumption handle (and of other invalid arguments). */
const INVALID_ARGUMENT = 1007;

type Wake = { reason: 'lost'; close: CloseInfo } | { reason: SwitchReason } | { reason: 'closed' };

/**
 * The Google plugin's RealtimeSession with our own connection loop: one logical Gemini
 * session over as many WebSocket connections as it takes. A goAway moves to a new connection
 * at the end of the current answer (audio meanwhile is buffered and played to the new one),
 * an unplanned close reconnects with backoff, a new connection resumes with the last handle
 * or else gets the history (never both), and nothing queued for Gemini is dropped. All turn
 * handling stays the plugin's.
 */
export class ResilientRealtimeSession extends PluginSessionBase {
  readonly #options: ResilienceOptions;
  readonly #logger = log();
  readonly #outbox = new EventList();
  /** Sent since the last resumable handle: replayed when resuming with it. */
  #sinceHandle = new EventList();
  /** Sent since the last completed turn: replayed after a history replay. */
  #sinceTurn = new EventList();
  /** The last resumable handle, taken as it arrives (the plugin stores it later, locked). */
  #handle: string | undefined;
  /** A turn completed or a tool was called since the last handle: resuming would lose it. */
  #stale = false;
  #current: GeminiConnection | undefined;
  #currentSince = 0;
  #wake: ((wake: Wake) => void) | undefined;
  #pendingWake: Wake | undefined;
  /** A planned move to a new connection, made at the next quiet moment (or the deadline). */
  #switch: { reason: SwitchReason; deadline: number; timers: NodeJS.Timeout[] } | undefined;
  /** Bumped by every change of tools or options: a connection set up before it is outdated. */
  #configVersion = 0;
  #closed = false;
  readonly #answered = new Set<string>();
  #failures = 0;
  #reconnecting = false;
  /** Armed by a request that Gemini must answer; any server message disarms it. */
  #answerWatch: NodeJS.Timeout | undefined;
  /** The answer whose `toolCall` is being handled: the plugin must not end it there. */
  #holdGeneration: unknown;
  /** An answer kept open after its `toolCall`, and the timer that ends it when quiet. */
  #toolTurn: { _done: boolean } | undefined;
  #toolTurnTimer: NodeJS.Timeout | undefined;
  /** The current connection is being replaced: nothing more goes to it or comes from it. */
  #detached = false;

  constructor(model: realtime.RealtimeModel, options: ResilienceOptions) {
    super(parkPluginLoop(model));
    constructing = false;
    if (!parked) {
      throw new FrameworkShapeError(
        'RealtimeSession no longer starts its loop with closeActiveSession()',
      );
    }
    assertSessionFields(this);
    this.#options = options;
    void this.#run();
  }

  override closeActiveSession(): Promise<void> {
    if (constructing) {
      parked = true;
      return new Promise(() => undefined);
    }
    return super.closeActiveSession();
  }

  override sendClientEvent(event: ClientEvent): void {
    if (event.type === 'tool_response') {
      // One final answer per call: an interrupted turn's answers may also come with a later
      // chat update.
      const responses = (event.value.functionResponses ?? []).filter((response) => {
        if (response.willContinue === true || response.id === undefined) return true;
        if (this.#answered.has(response.id)) return false;
        this.#answered.add(response.id);
        return true;
      });
      if (responses.length === 0) return;
      event = { type: 'tool_response', value: { ...event.value, functionResponses: responses } };
    }
    this.#outbox.push(event);
    this.#flush();
  }

  /**
   * A failed tool reaches Gemini as `response.error`, the form the API defines for a
   * failure; the plugin sends every result as `response.output`.
   */
  override getToolResultsForRealtime(
    ctx: llm.ChatContext,
    vertexai: boolean,
  ): { functionResponses: FunctionResponse[] } | undefined {
    const results = super.getToolResultsForRealtime(ctx, vertexai);
    // The plugin builds one response per output item, in order.
    const outputs = ctx.items.filter((item) => item.type === 'function_call_output');
    results?.functionResponses.forEach((response, index) => {
      const output = outputs[index] as llm.FunctionCallOutput | undefined;
      if (output?.isError && response.response) {
        response.response = { error: response.response.output };
      }
    });
    return results;
  }

  /** The calls Gemini still waits an answer for (the interrupted-turn fix answers them). */
  openToolCalls(): OpenCall[] {
    return [...this.pendingToolCallIds].map((callId) => ({
      callId,
      name: this.toolCallStatuses.get(callId)?.name ?? '',
    }));
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
    this.#planSwitch('restart', Number.POSITIVE_INFINITY);
  }

  /** Planned: switch at the end of the current answer, before the deadline. */
  override handleGoAway(goAway: { timeLeft?: string }): void {
    const deadline = goAwayDeadline(goAway.timeLeft, this.#options.goAwayMarginMs);
    this.#logger.info({ timeLeft: goAway.timeLeft }, 'Gemini goAway: switching connections');
    this.#planSwitch('goAway', deadline);
  }

  #planSwitch(reason: SwitchReason, deadline: number): void {
    const pending = this.#switch;
    if (pending && pending.deadline <= deadline) return;
    const timers = pending?.timers ?? [];
    if (Number.isFinite(deadline)) {
      timers.push(setTimeout(() => this.#signal({ reason }), deadline - Date.now()));
    }
    this.#switch = { reason, deadline, timers };
    this.#checkSwitch();
  }

  /**
   * The plugin ends the answer at a `toolCall`, so audio after it in the same turn starts a
   * new answer, and the framework interrupts the first one, tool and all. Here the answer
   * stays open until `turnComplete`, or until the turn has been quiet for a moment (Gemini
   * may wait for the tool's result before it completes the turn).
   */
  override handleToolCall(toolCall: unknown): void {
    const generation = this.currentGeneration;
    this.#holdGeneration = generation;
    try {
      super.handleToolCall(toolCall);
    } finally {
      this.#holdGeneration = undefined;
    }
    if (generation && !generation._done) this.#toolTurn = generation;
    this.#quietToolTurn();
  }

  override markCurrentGenerationDone(keepFunctionChannelOpen?: boolean, gen?: unknown): void {
    if (gen === undefined && this.#holdGeneration === this.currentGeneration) return;
    super.markCurrentGenerationDone(keepFunctionChannelOpen, gen);
  }

  /** Ends the held tool turn once nothing more came for `toolTurnQuietMs`. */
  #quietToolTurn(): void {
    clearTimeout(this.#toolTurnTimer);
    const generation = this.#toolTurn;
    if (!generation || generation._done) return;
    this.#toolTurnTimer = setTimeout(() => {
      if (generation === this.currentGeneration && !generation._done) {
        this.markCurrentGenerationDone();
      }
      this.#toolTurn = undefined;
      this.#checkSwitch();
    }, this.#options.toolTurnQuietMs);
  }

  override async close(): Promise<void> {
    clearTimeout(this.#toolTurnTimer);
    this.#closed = true;
    clearTimeout(this.#answerWatch);
    this.#signal({ reason: 'closed' });
    for (const timer of this.#switch?.timers ?? []) clearTimeout(timer);
    await super.close();
    this.#current?.close();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const resume = this.#stale ? undefined : this.#handle;
      const configVersion = this.#configVersion;
      let connection: GeminiConnection;
      try {
        connection = await this.#connect(resume);
      } catch (error) {
        if (this.#closed) return;
        if (error instanceof FrameworkShapeError) return this.#fail(error);
        const refused = error instanceof ConnectError && error.close?.code === INVALID_ARGUMENT;
        if (resume && refused) {
          this.#logger.warn('Gemini refused the resumption handle; replaying the history instead');
          this.#handle = undefined;
          continue;
        }
        if (!(await this.#backOff(error))) return;
        continue;
      }
      if (this.#closed) {
        connection.close();
        return;
      }
      clearTimeout(this.#answerWatch);
      this.#answerWatch = undefined;
      await this.#adopt(connection, resume !== undefined, configVersion);
      const wake = await this.#serve();
      this.#detached = true;
      // Closed before the next one resumes: Gemini can refuse (1011) a resume while the
      // connection that issued the handle is still open. What it sends from now on is moot.
      connection.close();
      if (wake.reason === 'closed') return;
      if (wake.reason === 'lost') {
        this.#logger.warn(wake.close, 'Gemini connection lost; reconnecting');
        this.#setReconnecting();
        this.#resetTurnState();
        if (Date.now() - this.#currentSince < this.#options.stableMs) {
          if (!(await this.#backOff(new Error(`closed ${wake.close.code} ${wake.close.reason}`))))
            return;
        }
      } else if (wake.reason === 'restart') {
        this.#resetTurnState();
      }
    }
  }

  async #connect(handle: string | undefined): Promise<GeminiConnection> {
    const config = this.buildConnectConfig();
    config.sessionResumption = handle ? { handle } : {};
    return openConnection({
      clientOptions: clientOptionsOf(this.options),
      model: this.options.model,
      config,
      connectTimeoutMs: this.#options.connectTimeoutMs,
      pingIntervalMs: this.#options.pingIntervalMs,
    });
  }

  /** Counts a failure and waits before the next attempt; false when it is time to give up. */
  async #backOff(error: unknown): Promise<boolean> {
    this.#failures += 1;
    this.#logger.warn({ error: String(error), attempt: this.#failures }, 'Gemini connect failed');
    this.#setReconnecting();
    if (this.#failures >= this.#options.maxAttempts) {
      this.#fail(error);
      return false;
    }
    const delay = this.#options.backoffMs(this.#failures);
    await new Promise((resolve) => setTimeout(resolve, delay));
    return !this.#closed;
  }

  #fail(error: unknown): void {
    this.#logger.error({ error: String(error) }, 'Gemini unavailable; ending the session');
    this.#options.onStatus('failed');
    this.emitError(
      new APIConnectionError({
        message: `Gemini Live unavailable after ${this.#failures} attempts: ${String(error)}`,
        options: { retryable: false },
      }),
      false,
    );
  }

  #setReconnecting(): void {
    if (this.#reconnecting) return;
    this.#reconnecting = true;
    this.#options.onStatus('reconnecting');
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
      let replay: ClientEvent[];
      if (resumed) {
        replay = this.#sinceHandle.take();
      } else {
        const [turns] = (await this._chatCtx
          .copy({ excludeFunctionCall: true })
          .toProviderFormat('google', false)) as [unknown[], unknown];
        if (turns.length > 0)
          connection.session.sendClientContent({ turns: turns as never, turnComplete: false });
        replay = withoutReplayed(this.#sinceTurn.take(), turns);
        this.#outbox.prepend(withoutReplayed(this.#outbox.take(), turns));
      }
      this.#outbox.prepend(replay);
      this.#sinceHandle = new EventList();
      this.#sinceTurn = new EventList();
      this.#stale = false;
      this.#current = connection;
      this.#currentSince = Date.now();
      this.activeSession = connection.session;
      this.#detached = false;
      // Whatever ended the connection just replaced is settled by this one.
      if (this.#pendingWake?.reason !== 'closed') this.#pendingWake = undefined;
      previous?.close();
    } finally {
      unlock();
    }
    for (const timer of this.#switch?.timers ?? []) clearTimeout(timer);
    this.#switch = undefined;
    if (this.#reconnecting) {
      this.#reconnecting = false;
      this.#failures = 0;
      this.#options.onStatus('connected');
    } else if (!previous) {
      this.#options.onStatus('connected');
    }
    // New tools or options came while this one was connecting: nothing has been sent on it
    // yet, so it is replaced at once and what waits goes to the next one.
    if (configVersion !== this.#configVersion) {
      this.#signal({ reason: 'restart' });
      return;
    }
    connection.start({
      onMessage: (message) => this.#onMessage(connection, message),
      onClose: (close) => {
        if (connection === this.#current && !this.#detached)
          this.#signal({ reason: 'lost', close });
      },
    });
    this.#flush();
  }

  #serve(): Promise<Wake> {
    const pending = this.#pendingWake;
    this.#pendingWake = undefined;
    if (pending) return Promise.resolve(pending);
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #signal(wake: Wake): void {
    const resolve = this.#wake;
    this.#wake = undefined;
    if (resolve) resolve(wake);
    else if (!this.#pendingWake || wake.reason === 'closed') this.#pendingWake = wake;
  }

  #onMessage(connection: GeminiConnection, message: LiveServerMessage): void {
    if (connection !== this.#current || this.#detached) return;
    clearTimeout(this.#answerWatch);
    this.#answerWatch = undefined;
    const update = message.sessionResumptionUpdate;
    if (update?.resumable && update.newHandle) {
      this.#handle = update.newHandle;
      this.#sinceHandle = new EventList();
      this.#stale = false;
    }
    if (message.serverContent?.turnComplete) {
      this.#sinceTurn = new EventList();
      this.#stale = true;
    }
    if (message.toolCall) this.#stale = true;
    void this.onReceiveMessage(connection.session, message).then(() => {
      if (this.#toolTurn && !message.toolCall) this.#quietToolTurn();
      this.#checkSwitch();
    });
  }

  /** Sends what is queued while the current connection is open and not being replaced. */
  #flush(): void {
    const connection = this.#current;
    if (!connection?.open || this.#detached || this.sessionShouldClose.isSet) return;
    for (let event = this.#outbox.shift(); event; event = this.#outbox.shift()) {
      if (sendEvent(this, connection.session, event)) {
        this.#sinceHandle.push(event);
        this.#sinceTurn.push(event);
        if (expectsAnswer(event)) this.#watchForAnswer(connection);
      }
    }
  }

  /**
   * A connection that takes a reply request or a tool result and then says nothing at all is
   * dead even if its socket still answers pings: replace it (what it was sent is replayed).
   */
  #watchForAnswer(connection: GeminiConnection): void {
    if (this.#answerWatch) return;
    this.#answerWatch = setTimeout(() => {
      this.#answerWatch = undefined;
      if (connection !== this.#current || this.#detached) return;
      const close = { code: 1006, reason: `no answer within ${this.#options.answerTimeoutMs} ms` };
      this.#signal({ reason: 'lost', close });
      connection.close();
    }, this.#options.answerTimeoutMs);
  }

  /** A goAway switch waits for a quiet moment: no answer, tool call or reply request open. */
  #checkSwitch(): void {
    const pending = this.#switch;
    if (!pending || this.#closed || this.#detached) return;
    const busy =
      (this.currentGeneration && !this.currentGeneration._done) ||
      this.generationPendingTurnComplete !== undefined ||
      this.pendingToolCallIds.size > 0 ||
      (this.pendingGenerationFut !== undefined && !this.pendingGenerationFut.done);
    if (busy) return;
    if (!this.#stale || Date.now() >= pending.deadline) {
      this.#signal({ reason: pending.reason });
      return;
    }
    // Gemini sends a fresh handle right after a turn; give it a moment before the history.
    const wait = Math.min(this.#options.freshHandleWaitMs, pending.deadline - Date.now());
    pending.timers.push(setTimeout(() => this.#signal({ reason: pending.reason }), wait));
  }

  /** What the plugin resets between connections (it did so in closeActiveSession). */
  #resetTurnState(): void {
    this.markCurrentGenerationDone();
    if (this.generationPendingTurnComplete) {
      this.markCurrentGenerationDone(false, this.generationPendingTurnComplete);
      this.generationPendingTurnComplete = undefined;
    }
    this.earlyCompletionPending = false;
    this.pendingToolCallIds.clear();
  }
}
