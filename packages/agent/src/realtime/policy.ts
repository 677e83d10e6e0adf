/** The state of the Gemini connection as the visitor's widget sees it. */
export type ModelStatus = 'connected' | 'reconnecting' | 'failed';

/** Why the session moves to a new connection on purpose. */
export type SwitchReason = 'goAway' | 'restart';

/** How a session reconnects, and whom it tells. */
export interface ResilienceOptions {
  /** Open plus `setupComplete` within this time, or the attempt counts as failed. */
  connectTimeoutMs: number;
  /** Consecutive failed attempts after which the session ends. */
  maxAttempts: number;
  /** Wait before attempt `n + 1` after `n` failures. */
  backoffMs(failures: number): number;
  /** A connection closed sooner than this after setup counts as a failure. */
  stableMs: number;
  /** WebSocket pings this often; a socket that misses one is closed and replaced. */
  pingIntervalMs: number;
  /** A reply request or tool result with no server message at all for this long: reconnect. */
  answerTimeoutMs: number;
  /** An answer with a tool call ends at `turnComplete`, or after this long with nothing new. */
  toolTurnQuietMs: number;
  /** A goAway switch happens this long before Gemini's deadline at the latest. */
  goAwayMarginMs: number;
  /** After an answer, how long a goAway switch waits for a fresh resumption handle. */
  freshHandleWaitMs: number;
  onStatus(status: ModelStatus): void;
  /**
   * A new connection is made for `cause`: `go_away`, `restart` (new tools or options), or
   * `error_<close code>` for a connection lost (`error_1006` also for one that stopped
   * answering). Feeds `voice_agent_gemini_reconnects_total{cause}`.
   */
  onReconnect?(cause: string): void;
  /** Gemini withdrew these calls (`toolCallCancellation`); the plugin only marks them. */
  onToolCallsCancelled?(callIds: string[]): void;
}

export const DEFAULT_RESILIENCE: Omit<ResilienceOptions, 'onStatus'> = {
  connectTimeoutMs: 10_000,
  maxAttempts: 5,
  backoffMs: (failures) => Math.min(250 * 2 ** (failures - 1), 4_000),
  stableMs: 5_000,
  pingIntervalMs: 5_000,
  answerTimeoutMs: 8_000,
  toolTurnQuietMs: 250,
  goAwayMarginMs: 1_000,
  freshHandleWaitMs: 1_000,
};

/** When to switch at the latest after `goAway{timeLeft}` ("12s", "0.5s"; Gemini's Duration). */
export function goAwayDeadline(timeLeft: string | undefined, marginMs: number): number {
  const seconds = Number.parseFloat(timeLeft ?? '');
  const leftMs = Number.isFinite(seconds) ? seconds * 1000 : 0;
  return Date.now() + Math.max(0, leftMs - marginMs);
}
