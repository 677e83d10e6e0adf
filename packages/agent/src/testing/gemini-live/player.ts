import type { Connection } from './connection.js';
import { addTranscript, recall } from './context.js';
import type { ServerEvent } from './events.js';
import { durationMs } from './limits.js';
import type { ToolLedger } from './tool-ledger.js';
import { toServerMessages } from './wire.js';

/** What playing needs from the stand-in. */
export interface PlayerDeps {
  nextCallId(): string;
  tools: ToolLedger;
  /** Sends a `sessionResumptionUpdate` (a new handle, or `resumable: false`). */
  resumptionUpdate(connection: Connection): void;
}

/** Sends `toolCallCancellation` for every call left open (new speech interrupts the turn). */
function cancelOpenCalls(connection: Connection, deps: PlayerDeps): void {
  if (connection.openCalls.size === 0) return;
  connection.send({ toolCallCancellation: { ids: [...connection.openCalls] } });
  deps.tools.cancelled(connection.openCalls);
  connection.openCalls.clear();
}

/** Sends one wire-level event and keeps the connection's state (context, calls, turn) in step. */
function send(
  connection: Connection,
  event: Parameters<typeof toServerMessages>[0],
  deps: PlayerDeps,
): void {
  const messages = toServerMessages(event, deps.nextCallId);
  for (const message of messages) {
    const calls = (message.toolCall as { functionCalls?: ToolCallWire[] } | undefined)
      ?.functionCalls;
    for (const call of calls ?? []) {
      connection.openCalls.add(call.id);
      deps.tools.sent(connection.id, call);
    }
  }
  if (event.type === 'audio' || event.type === 'toolCall') connection.generating = true;
  if (event.type === 'inputTranscription' || event.type === 'outputTranscription') {
    addTranscript(connection.context, event.type, event.text);
  }
  for (const message of messages) connection.send(message);
  if (event.type === 'interrupted' || event.type === 'turnComplete') connection.generating = false;
  if (event.type === 'turnComplete') deps.resumptionUpdate(connection);
}

interface ToolCallWire {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/**
 * Plays `events` once the connection is ready. An interrupting reply first cancels the open
 * calls, then and not when it was triggered: several messages can arrive in one read (ws
 * emits them synchronously), so an earlier reply may not have sent its calls yet.
 */
export async function playEvents(
  connection: Connection,
  events: ServerEvent[],
  deps: PlayerDeps,
  interrupts = false,
): Promise<void> {
  await connection.ready;
  if (interrupts && !connection.silent) cancelOpenCalls(connection, deps);
  for (const event of events) {
    if (connection.silent || !connection.open) return;
    switch (event.type) {
      case 'wait':
        await new Promise((resolve) => setTimeout(resolve, event.ms));
        break;
      case 'close':
        connection.close(event.code, event.reason);
        return;
      case 'silence':
        connection.silent = true;
        return;
      case 'lingerOnClose':
        connection.linger = event;
        break;
      case 'goAway': {
        const timeLeft = event.timeLeft ?? '1s';
        connection.send({ goAway: { timeLeft } });
        connection.later(durationMs(timeLeft), () => connection.close(1011, 'Deadline expired'));
        break;
      }
      case 'recall':
        send(
          connection,
          { type: 'outputTranscription', text: recall(connection.context, event) },
          deps,
        );
        break;
      default:
        send(connection, event, deps);
    }
  }
}
