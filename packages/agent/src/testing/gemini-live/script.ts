import type { ContextTurn } from './context.js';
import type { ServerEvent } from './events.js';
import type { ReceivedMessage } from './wire.js';

/** Input that can trigger a scripted reply. */
export type Trigger =
  /** A `clientContent` with `turnComplete: true` (generateReply, typed chat). */
  | { on: 'clientTurn' }
  /** A `toolResponse` (the answer to the model's tool calls). */
  | { on: 'toolResponse' }
  /** A new session after `setupComplete`. */
  | { on: 'setup' }
  /**
   * Audio input: `minMs` of audio whose RMS (0–1) is at least `minLevel`. Re-arms once the
   * speech has ended: `endMs` of quieter audio (default {@link SPEECH_END_MS}).
   */
  | { on: 'speech'; minLevel?: number; minMs?: number; endMs?: number };

/**
 * Quiet that ends a speech. Like Gemini's activity detection, a pause between words does not
 * end the visitor's turn, so it does not start a second answer to the same sentence.
 */
export const SPEECH_END_MS = 400;

/**
 * A rule: when the trigger fires, play the reply on that connection. A reply function gets
 * the message that triggered it and the connection's context (what its model knows).
 */
export type Reaction = Trigger & {
  reply: ServerEvent[] | ((received: ReceivedMessage, context: ContextTurn[]) => ServerEvent[]);
  /** How many times the rule fires; unlimited when omitted. */
  times?: number;
};

/**
 * Something that goes wrong with the next connection attempts, in order (each attempt takes
 * the first fault left, `times` attempts each, default 1):
 * - `refuseUpgrade`: the WebSocket upgrade is answered with HTTP `status` (default 429, a
 *   quota refusal); the client sees close code 1006;
 * - `ignoreSetup`: the socket opens, `setup` is never answered;
 * - `silentAfterSetup`: `setup` is answered, then the connection answers nothing at all.
 */
export interface ConnectionFault {
  fault: 'refuseUpgrade' | 'ignoreSetup' | 'silentAfterSetup';
  status?: number;
  times?: number;
}

/** Takes the first fault left from the queue, if any. */
export function takeFault(faults: ConnectionFault[]): ConnectionFault | undefined {
  const fault = faults[0];
  if (!fault) return undefined;
  const left = (fault.times ?? 1) - 1;
  if (left <= 0) faults.shift();
  else fault.times = left;
  return fault;
}

/** The first rule that matches and may still fire, counted as fired. */
export function takeReaction(
  reactions: Reaction[],
  matches: (reaction: Reaction) => boolean,
): Reaction | undefined {
  const reaction = reactions.find((r) => matches(r) && (r.times ?? 1) > 0);
  if (reaction?.times !== undefined) reaction.times -= 1;
  return reaction;
}
