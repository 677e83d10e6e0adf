import type { ConnectionEnd, HandleOutcome } from './connection.js';
import type { ContextTurn } from './context.js';
import type { SessionLimits } from './limits.js';
import type { ConnectionFault, Reaction } from './script.js';

export interface StandInOptions {
  /** Listen address; default 127.0.0.1, port 0 (a free port). */
  host?: string;
  port?: number;
  /** Send `sessionResumptionUpdate` handles when the client asks for resumption; default true. */
  resumption?: boolean;
  /** Initial reactions, e.g. a scripted conversation for an offline demo. */
  reactions?: Reaction[];
  /** Faults for the next connection attempts (see {@link ConnectionFault}). */
  faults?: ConnectionFault[];
  /**
   * Multiplies every default of {@link SessionLimits} (10-minute connections, 15 minutes of
   * audio per session, …); 0.01 makes a 15-minute session last 9 s of audio. Default 1.
   */
  timeScale?: number;
  /** Limits taken as given (not scaled). */
  limits?: Partial<SessionLimits>;
  /** Refuse (1011) a resume while the connection that issued the handle is still open. */
  refuseResumeWhileOpen?: boolean;
  /**
   * How long after `setupComplete` a session counts as ready when the client has sent
   * nothing yet; default 500 ms (see `play`).
   */
  settleMs?: number;
  /** Delay before answering `setup`, to simulate a slow Gemini; default 0. */
  setupDelayMs?: number;
  /**
   * How long each client message takes to reach the model, in order; default 0. With it, a
   * handle the stand-in issues can reach the client after the client sent more, and not
   * cover it, as over a real network.
   */
  inboundLatencyMs?: number;
  /**
   * Keep the client's audio chunks in `received` (default true). About 50 a second while a
   * microphone is open: a stand-in that lives as long as `npm start`'s offline demo turns it
   * off, and keeps the rest (setup, text, tool responses) as before. Off, `sent` keeps no
   * audio of the model either.
   */
  recordAudio?: boolean;
  /**
   * Keep `received` and `sent` at all (default true). Off, both stay empty, and `waitFor`
   * and `waitForTools` throw at once: for a stand-in that runs as long as the bench's soak
   * and capacity sections, which ask it nothing about the wire. Kept, they would hold every
   * message of every session for the stand-in's life: about 50 audio chunks a second per
   * open microphone, and the model's audio, as well as the rest.
   */
  record?: boolean;
}

/** What became of one connection, for assertions. */
export interface ConnectionSummary {
  id: number;
  /** `setup` was answered. */
  setUp: boolean;
  handle: HandleOutcome;
  /** How it ended, if it has. */
  ended: ConnectionEnd | undefined;
  /** What the model knows on it (see `ContextTurn`). */
  context: ContextTurn[];
}
