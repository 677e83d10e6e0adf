import { describe, expect, it } from 'vitest';
import { HOPS, traceHops } from './hops.js';

describe('traceHops', () => {
  const window = { from: 0, to: 10_000 };

  it('splits each turn into its hops, each from the first onset after the previous hop', () => {
    const log = [
      { hop: 'devserver', identity: 'visitor', at: 1_030 },
      { hop: 'job-in', at: 1_080 },
      { hop: 'job-out', at: 1_200 },
      { hop: 'devserver', identity: 'agent-AJ_1', at: 1_260 },
      // The page reads its microphone late: the dev server heard the tone 10 ms before.
      { hop: 'devserver', identity: 'visitor', at: 2_990 },
      { hop: 'job-in', at: 3_100 },
      { hop: 'job-out', at: 3_190 },
      { hop: 'devserver', identity: 'agent-AJ_1', at: 3_230 },
    ];
    const delays = traceHops([1_000, 3_000], window, log, [1_150, 3_150], [1_300, 3_290]);
    expect(delays).toHaveLength(HOPS.length);
    expect(delays).toEqual([
      [30, -10],
      [50, 110],
      [70, 50],
      [50, 40],
      [60, 40],
      [40, 60],
    ]);
  });

  it('leaves out a turn missing at a hop, and tones outside the window', () => {
    const log = [
      { hop: 'devserver', identity: 'visitor', at: 1_030 },
      // No job-in before the next tone: the turn is not traced, nor taken from the next one.
      { hop: 'devserver', identity: 'visitor', at: 3_020 },
      { hop: 'job-in', at: 3_100 },
      { hop: 'job-out', at: 3_190 },
      { hop: 'devserver', identity: 'agent-AJ_1', at: 3_230 },
    ];
    const delays = traceHops([1_000, 3_000, 12_000], window, log, [3_150, 12_100], [3_290, 12_300]);
    expect(delays.map((hop) => hop.length)).toEqual(HOPS.map(() => 1));
    expect(delays[0]).toEqual([20]);
  });
});
