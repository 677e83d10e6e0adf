import { describe, expect, it } from 'vitest';
import { memoryTrend, stoppedAt } from './report-soak.js';

describe('memoryTrend', () => {
  it('is the least-squares slope per 10 minutes, over all samples and the second half', () => {
    // 200 MB growing 2 MB a minute, then flat: the second half's slope is 0.
    const rss = [200, 202, 204, 206, 208, 208, 208, 208, 208, 208];
    const trend = memoryTrend({
      pid: 1,
      cpu: 0.2,
      samples: rss.map((rssMb, minute) => ({ minute, rssMb })),
    });
    expect(trend.first).toBe(200);
    expect(trend.last).toBe(208);
    expect(trend.perTen).toBeGreaterThan(0);
    expect(trend.secondHalfPerTen).toBeCloseTo(0);
  });
});

describe('stoppedAt', () => {
  const minutes = [0, 0.5, 1, 1.5, 2, 2.5, 3];

  it('is when a session got no new answer over a whole minute', () => {
    expect(stoppedAt([0, 15, 30, 30, 30, 30, 30], minutes)).toBe(1);
  });

  it('is undefined for a session answered all along', () => {
    expect(stoppedAt([0, 15, 30, 45, 60, 75, 90], minutes)).toBeUndefined();
  });
});
