import { describe, expect, it } from 'vitest';
import { RECONNECT_WINDOW_MS, reconnectDelay } from './room-connection.js';

// The schedule livekit-client follows after the visitor's connection dropped: what decides how
// soon a network that came back is used, and when the call gives up.

/** The attempts' start times (ms after the drop) if each failed at once. */
function attemptTimes(): number[] {
  const times: number[] = [];
  let elapsedMs = 0;
  for (let retryCount = 0; ; retryCount++) {
    const delay = reconnectDelay({ retryCount, elapsedMs });
    if (delay === null) return times;
    elapsedMs += delay;
    times.push(elapsedMs);
  }
}

describe('the reconnect schedule', () => {
  it('tries at once, then at most a second apart, for the whole window', () => {
    const times = attemptTimes();
    expect(times[0]).toBe(0);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1_000);
    expect(times.at(-1)).toBeGreaterThanOrEqual(RECONNECT_WINDOW_MS - 1_000);
  });

  it('gives up once the window is over, however few attempts were made', () => {
    expect(reconnectDelay({ retryCount: 2, elapsedMs: RECONNECT_WINDOW_MS })).toBeNull();
    expect(reconnectDelay({ retryCount: 40, elapsedMs: RECONNECT_WINDOW_MS - 1 })).toBe(1_000);
  });
});
