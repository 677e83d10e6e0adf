import type { llm } from '@livekit/agents';
import type { realtime } from '@livekit/agents-plugin-google';
import type { ClientEvent, FunctionResponse } from '../framework/google-plugin.js';
import type { OpenCall } from '../framework/interrupted-tool-calls.js';
import { endUntranscribedAnswer } from '../framework/untranscribed-answer.js';
import { LateTranscriptSession } from './late-transcript-session.js';
import type { ResilienceOptions } from './policy.js';

/**
 * How the session handles tool calls on top of the plugin: one final answer per call, errors
 * in the form the API defines, the turn kept open after a `toolCall`, the open calls for the
 * interrupted-turn fix, and cancellations passed on. Subclasses say where events go
 * (`enqueue`) and hear when a held tool turn ends (`afterToolTurn`).
 */
export abstract class ToolTurnSession extends LateTranscriptSession {
  readonly #toolOptions: Pick<ResilienceOptions, 'toolTurnQuietMs' | 'onToolCallsCancelled'>;
  readonly #answered = new Set<string>();
  /** The answer whose `toolCall` is being handled: the plugin must not end it there. */
  #holdGeneration: unknown;
  /** An answer kept open after its `toolCall`, and the timer that ends it when quiet. */
  #toolTurn: { _done: boolean } | undefined;
  #toolTurnTimer: NodeJS.Timeout | undefined;

  constructor(model: realtime.RealtimeModel, options: ResilienceOptions) {
    super(model);
    this.#toolOptions = options;
  }

  /** Queues an event for Gemini. */
  protected abstract enqueue(event: ClientEvent): void;

  /** A held tool turn has ended (or there was none to hold). */
  protected abstract afterToolTurn(): void;

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
    this.enqueue(event);
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
    this.quietToolTurn();
  }

  override handleToolCallCancellation(cancellation: { ids?: string[] }): void {
    super.handleToolCallCancellation(cancellation);
    this.#toolOptions.onToolCallsCancelled?.(cancellation.ids ?? []);
  }

  override markCurrentGenerationDone(keepFunctionChannelOpen?: boolean, gen?: unknown): void {
    if (gen === undefined && this.#holdGeneration === this.currentGeneration) return;
    // Its captions' segment ends with the answer even when no transcript came.
    endUntranscribedAnswer(gen ?? this.currentGeneration);
    super.markCurrentGenerationDone(keepFunctionChannelOpen, gen);
  }

  /** Whether an answer is held open after its `toolCall`. */
  protected get holdingToolTurn(): boolean {
    return this.#toolTurn !== undefined;
  }

  /** Ends the held tool turn once nothing more came for `toolTurnQuietMs`. */
  protected quietToolTurn(): void {
    clearTimeout(this.#toolTurnTimer);
    const generation = this.#toolTurn;
    if (!generation || generation._done) return;
    this.#toolTurnTimer = setTimeout(() => {
      if (generation === this.currentGeneration && !generation._done) {
        this.markCurrentGenerationDone();
      }
      this.#toolTurn = undefined;
      this.afterToolTurn();
    }, this.#toolOptions.toolTurnQuietMs);
  }

  /** What the plugin resets between connections (it did so in closeActiveSession). */
  protected resetTurnState(): void {
    this.markCurrentGenerationDone();
    if (this.generationPendingTurnComplete) {
      this.markCurrentGenerationDone(false, this.generationPendingTurnComplete);
      this.generationPendingTurnComplete = undefined;
    }
    this.earlyCompletionPending = false;
    this.pendingToolCallIds.clear();
    this.endLateTranscripts();
  }

  override async close(): Promise<void> {
    clearTimeout(this.#toolTurnTimer);
    await super.close();
  }
}
