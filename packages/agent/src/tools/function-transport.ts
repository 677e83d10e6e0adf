import { withinTimeLimit } from '../time-limit.js';
import {
  type ClientToolCall,
  ClientToolCallError,
  type ClientToolTransport,
} from './client-transport.js';

/**
 * A page-side tool handler, as the host page registers it with the widget: `signal` aborts,
 * with the `ToolCancelReason`, when the call is cancelled.
 */
export type PageToolHandler = (
  args: Record<string, unknown>,
  context: { signal: AbortSignal },
) => unknown;

const NEVER = new AbortController().signal;

/**
 * Runs client tools as in-process functions with the page's semantics (docs/protocol.md,
 * section 3): unknown tool, thrown error, non-JSON result and timeout each become the same
 * {@link ClientToolCallError} the LiveKit transport produces. For tests and local runs.
 */
export class FunctionClientToolTransport implements ClientToolTransport {
  constructor(private readonly handlers: Record<string, PageToolHandler>) {}

  async call(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    call?: ClientToolCall,
  ): Promise<unknown> {
    const handler = this.handlers[name];
    if (!handler) throw new ClientToolCallError('unknown_tool', 'the page has no such tool');
    let result: unknown;
    try {
      result = await withinTimeLimit(
        Promise.resolve().then(() => handler(args, { signal: call?.signal ?? NEVER })),
        timeoutMs,
        () => new ClientToolCallError('timeout', 'the page did not answer in time'),
      );
    } catch (error) {
      if (error instanceof ClientToolCallError) throw error;
      throw new ClientToolCallError('tool_failed', (error as Error).message ?? String(error));
    }
    try {
      return JSON.parse(JSON.stringify({ result: result ?? null })).result;
    } catch {
      throw new ClientToolCallError('invalid_result', 'the page returned a non-JSON result');
    }
  }
}
