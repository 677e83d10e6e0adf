import { describe, expect, it } from 'vitest';
import { BENCH_PART_END, BENCH_PART_START, withBenchPart } from './report-page.js';

const ANALYSIS = '## What a job process spends its CPU on\n\nWeb Streams, by hand.\n';

describe('the bench part of docs/performance.md', () => {
  it('replaces what the bench wrote last and keeps the text by hand around it', () => {
    const page = `# Performance\n\nStatus by hand.\n\n${BENCH_PART_START}\n\n## Connect\n\nold figures\n\n${BENCH_PART_END}\n\n${ANALYSIS}`;
    expect(withBenchPart(page, '## Connect\n\nnew figures\n')).toBe(
      `# Performance\n\nStatus by hand.\n\n${BENCH_PART_START}\n\n## Connect\n\nnew figures\n\n${BENCH_PART_END}\n\n${ANALYSIS}`,
    );
  });

  it('adds the bench part at the end of a page without its marks, losing nothing', () => {
    const page = `# Performance\n\n${ANALYSIS}`;
    expect(withBenchPart(page, '## Connect\n\nfigures')).toBe(
      `# Performance\n\n${ANALYSIS}\n${BENCH_PART_START}\n\n## Connect\n\nfigures\n\n${BENCH_PART_END}\n`,
    );
  });

  it('creates the page when there is none, and a second run finds its own part', () => {
    const first = withBenchPart(undefined, 'run 1');
    expect(first).toBe(`# Performance\n\n${BENCH_PART_START}\n\nrun 1\n\n${BENCH_PART_END}\n`);
    expect(withBenchPart(first, 'run 2')).toBe(first.replace('run 1', 'run 2'));
  });
});
