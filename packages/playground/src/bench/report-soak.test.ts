import { describe, expect, it } from 'vitest';
import { memoryTrend, soakSection, stoppedAt } from './report-soak.js';

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

describe('soakSection', () => {
  const soak = (deaf: { session: number; reason: string }[]) => ({
    section: 'soak',
    ok: true as const,
    load: { before: 1, after: 1 },
    seconds: 60,
    value: {
      sessions: 2,
      minutes: [0, 1, 2],
      jobs: [{ pid: 7, cpu: 0.2, samples: [0, 1, 2].map((minute) => ({ minute, rssMb: 200 })) }],
      answered: [
        [0, 30, 60],
        [0, 30, 60],
      ],
      warnings: [],
      deaf,
    },
  });

  it('names a visitor that could not read the agent audio track and counts it as a lost session', () => {
    const text = soakSection(soak([{ session: 2, reason: 'handle is not a FfiTrack' }]));
    expect(text).toContain(
      "could not read the agent's audio track: session 2 (handle is not a FfiTrack)",
    );
    expect(text).toMatch(/no session lost \(missed\)/);
  });

  it('says none when every visitor could hear', () => {
    const text = soakSection(soak([]));
    expect(text).toContain("could not read the agent's audio track: none");
    expect(text).toMatch(/no session lost \(met\)/);
  });
});
