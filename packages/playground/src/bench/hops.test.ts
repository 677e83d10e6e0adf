import { describe, expect, it } from 'vitest';
import { HOPS, jitterBufferIn, throughJob, traceHops } from './hops.js';

describe('traceHops', () => {
  const window = { from: 0, to: 10_000 };

  it('splits each turn into its hops, each from the first onset after the previous hop', () => {
    const log = [
      { hop: 'devserver', identity: 'visitor', at: 1_030 },
      { hop: 'job-rtc', at: 1_070 },
      { hop: 'job-in', at: 1_080 },
      { hop: 'job-out', at: 1_200 },
      { hop: 'devserver', identity: 'agent-AJ_1', at: 1_260 },
      // The page reads its microphone late: the dev server heard the tone 10 ms before.
      { hop: 'devserver', identity: 'visitor', at: 2_990 },
      { hop: 'job-rtc', at: 3_040 },
      { hop: 'job-in', at: 3_100 },
      { hop: 'job-out', at: 3_190 },
      { hop: 'devserver', identity: 'agent-AJ_1', at: 3_230 },
    ];
    const delays = traceHops([1_000, 3_000], window, log, [1_150, 3_150], [1_300, 3_290]);
    expect(delays).toHaveLength(HOPS.length);
    expect(delays).toEqual([
      [30, -10],
      [40, 50],
      [10, 60],
      [70, 50],
      [50, 40],
      [60, 40],
      [40, 60],
    ]);
    // The visitor's tone at the dev server, then the agent's answer there.
    expect(throughJob(delays)).toEqual([1_260 - 1_030, 3_230 - 2_990]);
  });

  it('leaves out a turn missing at a hop, and tones outside the window', () => {
    const log = [
      { hop: 'devserver', identity: 'visitor', at: 1_030 },
      // No job-in before the next tone: the turn is not traced, nor taken from the next one.
      { hop: 'devserver', identity: 'visitor', at: 3_020 },
      { hop: 'job-rtc', at: 3_090 },
      { hop: 'job-in', at: 3_100 },
      { hop: 'job-out', at: 3_190 },
      { hop: 'devserver', identity: 'agent-AJ_1', at: 3_230 },
    ];
    const delays = traceHops([1_000, 3_000, 12_000], window, log, [3_150, 12_100], [3_290, 12_300]);
    expect(delays.map((hop) => hop.length)).toEqual(HOPS.map(() => 1));
    expect(delays[0]).toEqual([20]);
  });
});

describe('jitterBufferIn', () => {
  // Cumulative, as webrtc-stats: each delay is summed over the samples emitted (s), so 60 ms
  // each over 16,000 samples adds 960 s.
  const reading = (at: number, delay: number, target: number, emitted: number) => ({
    hop: 'job-jitter',
    at,
    jitterBuffer: { delay, target, minimum: target / 2, emitted },
  });

  it("is the mean delays of the samples emitted between the window's first and last readings", () => {
    const log = [
      reading(500, 1_000, 800, 10_000),
      reading(1_000, 2_000, 1_600, 16_000),
      reading(3_000, 2_960, 2_400, 32_000),
      reading(12_000, 9_000, 7_000, 99_000),
    ];
    const jitter = jitterBufferIn(log, { from: 900, to: 10_000 });
    expect(jitter?.meanMs).toBeCloseTo(60);
    expect(jitter?.targetMs).toBeCloseTo(50);
    expect(jitter?.minimumMs).toBeCloseTo(25);
  });

  it('is unknown with fewer than two readings in the window', () => {
    expect(jitterBufferIn([reading(1_000, 2, 1, 16_000)], { from: 0, to: 5_000 })).toBeUndefined();
  });
});
