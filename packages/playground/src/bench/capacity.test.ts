import { describe, expect, it } from 'vitest';
import { type CapacityLevel, type CapacityResult, endAtLevel } from './capacity.js';
import { Unmeasured } from './run/section.js';

const usage = { cpu: 0, rssMb: 0 };
const load = { generator: 0, machine: 0 };
const level = (sessions: number, p95: number): CapacityLevel => ({
  sessions,
  tones: 10,
  delays: Array.from({ length: 10 }, () => p95),
  worker: usage,
  devServer: usage,
  load,
});

describe('endAtLevel', () => {
  it('ends the section at a level not held once p95 had doubled below it', () => {
    const result: CapacityResult = { idle: { worker: usage, devServer: usage, load }, levels: [] };
    result.levels.push(level(1, 150), level(2, 160), level(4, 320));

    endAtLevel(result, 8, 'level 8: 3 of 4 new agents listening');

    expect(result.notHeld).toEqual({ sessions: 8, reason: 'level 8: 3 of 4 new agents listening' });
  });

  it('fails the section at a level not held before p95 doubled', () => {
    const result: CapacityResult = { idle: { worker: usage, devServer: usage, load }, levels: [] };
    // The failing level's own figures (most tones unanswered) do not count as the doubling.
    result.levels.push(level(1, 150), level(2, 160), level(4, 900));

    expect(() => endAtLevel(result, 4, 'level 4: 2 of 23 tones answered')).toThrow(Unmeasured);
    expect(result.notHeld).toBeUndefined();
  });
});
