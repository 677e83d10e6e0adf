/** Where the part `npm run bench` writes begins in docs/performance.md. */
export const BENCH_PART_START =
  '<!-- Written by `npm run bench` from here to its end mark: edits here are replaced. -->';
/** Where it ends: the text around it (the analysis, by hand) is kept. */
export const BENCH_PART_END = '<!-- End of what `npm run bench` writes. -->';

/**
 * docs/performance.md with `benchPart` in place of what the bench wrote last time. The page's
 * other text is written by hand (analysis, profiles, soaks) and stays as it is; a page without
 * the marks gets the bench's part at its end, and a missing page is created.
 */
export function withBenchPart(page: string | undefined, benchPart: string): string {
  const part = `${BENCH_PART_START}\n\n${benchPart.trim()}\n\n${BENCH_PART_END}\n`;
  if (page === undefined) return `# Performance\n\n${part}`;
  const start = page.indexOf(BENCH_PART_START);
  const end = page.indexOf(BENCH_PART_END, start);
  if (start < 0 || end < 0) return `${page.trimEnd()}\n\n${part}`;
  const after = page.slice(end + BENCH_PART_END.length).replace(/^\n/, '');
  return `${page.slice(0, start)}${part}${after}`;
}
