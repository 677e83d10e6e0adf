import type { ToolCancelReason } from '@voice-agent/protocol';

/** Cancellations kept at most: one that comes before its call has started is remembered. */
const REMEMBERED_CALLS = 64;

/**
 * The calls the model withdrew (Gemini's `toolCallCancellation`), as abort signals by call
 * id. The Google plugin only marks such a call; a client tool listens here to stop waiting
 * for the page and to tell it.
 */
export class ToolCallCancellations {
  readonly #controllers = new Map<string, AbortController>();

  /** Aborts the signals of `callIds` with the reason `cancelled`. */
  cancel(callIds: Iterable<string>): void {
    for (const callId of callIds) this.#controllerFor(callId).abort('cancelled');
  }

  /** The signal of call `callId`: aborted once the model withdraws the call. */
  signalFor(callId: string): AbortSignal {
    return this.#controllerFor(callId).signal;
  }

  /** Forgets a call that has finished. */
  release(callId: string): void {
    this.#controllers.delete(callId);
  }

  #controllerFor(callId: string): AbortController {
    let controller = this.#controllers.get(callId);
    if (!controller) {
      controller = new AbortController();
      this.#controllers.set(callId, controller);
      const oldest = this.#controllers.keys().next().value;
      if (this.#controllers.size > REMEMBERED_CALLS && oldest !== undefined) {
        this.#controllers.delete(oldest);
      }
    }
    return controller;
  }
}

/**
 * One signal for a running call, aborted with the {@link ToolCancelReason}: `interrupted`
 * when the framework gives up on the turn's tools (its abort signal), `cancelled` when the
 * model withdraws the call. `dispose()` stops listening once the call is over.
 */
export function callCancellation(
  interrupted: AbortSignal | undefined,
  withdrawn: AbortSignal | undefined,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const sources: [AbortSignal | undefined, ToolCancelReason][] = [
    [interrupted, 'interrupted'],
    [withdrawn, 'cancelled'],
  ];
  const stops: (() => void)[] = [];
  for (const [source, reason] of sources) {
    if (!source) continue;
    const abort = () => controller.abort(reason);
    if (source.aborted) abort();
    source.addEventListener('abort', abort, { once: true });
    stops.push(() => source.removeEventListener('abort', abort));
  }
  const dispose = () => {
    for (const stop of stops) stop();
  };
  return { signal: controller.signal, dispose };
}
