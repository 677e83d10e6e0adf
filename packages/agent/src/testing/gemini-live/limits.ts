/**
 * The limits real Gemini Live puts on a session (ai.google.dev, "Session management").
 * Durations in milliseconds of wall-clock time, except `sessionAudioMs`, which counts the
 * audio the client streamed.
 */
export interface SessionLimits {
  /** How long one WebSocket connection lives; default 10 minutes. */
  connectionMs: number;
  /** How long before the end of a connection `goAway` is sent; default 10 s. */
  goAwayLeadMs: number;
  /**
   * Audio a session may stream without `contextWindowCompression` in its setup, counted
   * across resumed connections; default 15 minutes. Past it: `goAway`, then a 1011 close,
   * and the session's handles are refused (1007): the client must start a new session.
   */
  sessionAudioMs: number;
  /** How long a resumption handle stays valid after it was issued; default 2 hours. */
  handleTtlMs: number;
  /** Interval of the periodic `sessionResumptionUpdate`; default 10 s. */
  resumptionUpdateMs: number;
}

export const REAL_LIMITS: SessionLimits = {
  connectionMs: 10 * 60_000,
  goAwayLeadMs: 10_000,
  sessionAudioMs: 15 * 60_000,
  handleTtlMs: 2 * 60 * 60_000,
  resumptionUpdateMs: 10_000,
};

/**
 * The limits in force: each default of {@link REAL_LIMITS} multiplied by `timeScale` (0.01
 * turns 15 minutes into 9 s), and values given in `limits` taken as they are.
 */
export function scaledLimits(timeScale = 1, limits: Partial<SessionLimits> = {}): SessionLimits {
  const scaled = Object.fromEntries(
    Object.entries(REAL_LIMITS).map(([key, ms]) => [key, ms * timeScale]),
  ) as unknown as SessionLimits;
  return { ...scaled, ...limits };
}

/** A protobuf Duration as JSON (`"1s"`, `"0.5s"`) in milliseconds; 1 s if unreadable. */
export function durationMs(duration: string): number {
  const seconds = Number(/^([\d.]+)s$/.exec(duration.trim())?.[1]);
  return Number.isFinite(seconds) ? seconds * 1000 : 1000;
}

/** Milliseconds as a protobuf Duration string. */
export function durationString(ms: number): string {
  return `${Math.max(0, ms) / 1000}s`;
}
