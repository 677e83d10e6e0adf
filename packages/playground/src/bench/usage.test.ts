import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { measureWindow, TICKS_PER_SECOND } from './usage.js';

/** Two clock ticks of /proc in a 1 s window: what tick rounding may make two figures differ. */
const TICK_ROUNDING = 2 / TICKS_PER_SECOND;

describe('measureWindow', () => {
  it("gives one window's figures: a busy process's own CPU reads the same as its tree's", async () => {
    // A thread of this process busy for longer than the window: up to a core throughout.
    const busy = new Worker('const end = Date.now() + 2_000; while (Date.now() < end);', {
      eval: true,
    });
    await new Promise((resolve) => busy.once('online', resolve));
    try {
      const window = await measureWindow([process.pid], 1_000);
      const [tree] = window.trees;
      expect(window.thisProcess).toBeGreaterThan(0.5);
      expect(Math.abs((tree?.cpu ?? 0) - window.thisProcess)).toBeLessThanOrEqual(TICK_ROUNDING);
      expect(window.machine).toBeGreaterThanOrEqual(window.thisProcess - TICK_ROUNDING);
      expect(tree?.rssMb).toBeGreaterThan(0);
    } finally {
      await busy.terminate();
    }
  });
});
