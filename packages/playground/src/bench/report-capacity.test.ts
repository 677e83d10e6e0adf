import { describe, expect, it } from 'vitest';
import type { CapacityLevel } from './capacity.js';
import { capacitySection } from './report-capacity.js';

const level = (sessions: number, generator: number, machine: number): CapacityLevel => ({
  sessions,
  tones: 10,
  delays: Array.from({ length: 10 }, () => 150),
  worker: { cpu: 0.2 * sessions, rssMb: 800 },
  devServer: { cpu: 0.05 * sessions, rssMb: 90 },
  load: { generator, machine },
});

describe('capacitySection', () => {
  it("shows, per level, the CPU of the visitors and the stand-in and the whole machine's", () => {
    const text = capacitySection({
      section: 'capacity',
      ok: true,
      load: { before: 1, after: 1 },
      seconds: 100,
      value: {
        idle: {
          worker: { cpu: 0.07, rssMb: 790 },
          devServer: { cpu: 0.01, rssMb: 87 },
          load: { generator: 0.02, machine: 0.11 },
        },
        levels: [level(1, 0.21, 0.69), level(4, 0.44, 1.82)],
      },
    });
    expect(text).toContain('visitors and stand-in 0.02 cores; the machine 0.11 cores');
    const row = text.split('\n').find((line) => line.startsWith('| 4 '));
    expect(
      row
        ?.split('|')
        .map((cell) => cell.trim())
        .slice(-3, -1),
    ).toEqual(['0.44', '1.82']);
  });
});
