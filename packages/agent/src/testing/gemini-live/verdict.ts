import type { Connection, HandleOutcome } from './connection.js';
import { meaningful, normalized } from './context.js';

/**
 * Whether a connection's model was given the conversation that came before it.
 * `twice` is the defect of the resumption handle AND the replayed `clientContent` turns.
 */
export type ContextDelivery = 'no-prior' | 'none' | 'partial' | 'once' | 'twice';

export interface ContextVerdict {
  connection: number;
  /** The connection this one continues: the handle's issuer, else the likeliest earlier one. */
  predecessor: number | undefined;
  handle: HandleOutcome;
  /** The visitor's turns (typed or transcribed) the predecessor knew when this one set up. */
  priorTurns: string[];
  /** Per prior turn, how many copies this connection was given (restored + `clientContent`). */
  copies: number[];
  delivery: ContextDelivery;
}

function userTexts(connection: Connection, before = Number.POSITIVE_INFINITY): string[] {
  const texts = connection.context
    .filter((turn) => meaningful(turn) && turn.seq < before)
    .map((turn) => normalized(turn.text));
  return [...new Set(texts)];
}

/**
 * The history a connection was given: turns restored from its handle, and `clientContent`
 * turns that came before its first new input (audio, text, a turn to answer, a tool response).
 */
function deliveredTexts(connection: Connection): string[] {
  return connection.context
    .filter((turn) => meaningful(turn))
    .filter(
      (turn) =>
        turn.source === 'restored' ||
        (turn.source === 'clientContent' && turn.seq < connection.firstInputSeq),
    )
    .map((turn) => normalized(turn.text));
}

function predecessorOf(
  connection: Connection,
  all: Connection[],
  issuerOf: (handle: string) => number | undefined,
): Connection | undefined {
  const issuer = connection.handle ? issuerOf(connection.handle) : undefined;
  if (issuer !== undefined) return all.find((c) => c.id === issuer);
  const earlier = all.filter((c) => c.id < connection.id && c.setUp);
  const delivered = new Set(deliveredTexts(connection));
  const overlap = (c: Connection) =>
    userTexts(c, connection.setupSeq).filter((t) => delivered.has(t)).length;
  return earlier.reduce<Connection | undefined>(
    (best, c) => (!best || overlap(c) >= overlap(best) ? c : best),
    undefined,
  );
}

/** The verdict for one connection (see {@link ContextVerdict}). */
export function contextVerdict(
  connection: Connection,
  all: Connection[],
  issuerOf: (handle: string) => number | undefined,
): ContextVerdict {
  const predecessor = predecessorOf(connection, all, issuerOf);
  const priorTurns = predecessor ? userTexts(predecessor, connection.setupSeq) : [];
  const delivered = deliveredTexts(connection);
  const copies = priorTurns.map((text) => delivered.filter((t) => t === text).length);
  let delivery: ContextDelivery;
  if (priorTurns.length === 0) delivery = 'no-prior';
  else if (copies.some((n) => n >= 2)) delivery = 'twice';
  else if (copies.every((n) => n === 1)) delivery = 'once';
  else if (copies.every((n) => n === 0)) delivery = 'none';
  else delivery = 'partial';
  return {
    connection: connection.id,
    predecessor: predecessor?.id,
    handle: connection.handleOutcome,
    priorTurns,
    copies,
    delivery,
  };
}
