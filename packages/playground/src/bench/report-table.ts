import type { Outcome } from './run/section.js';
import { ms, percentile } from './stats.js';

export const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
export const header = (cells: string[]) => `${row(cells)}\n${row(cells.map(() => '-'))}`;
export const p = (values: number[], q: number) => ms(percentile(values, q));
export const verdict = (met: boolean) => (met ? 'met' : 'missed');
export const percent = (fraction: number) =>
  Number.isNaN(fraction) ? 'n/a' : `${Math.round(fraction * 100)}%`;

/** A failed section's line: what could not be measured and why. */
export function failureNote(outcome: Outcome<unknown>): string {
  return outcome.ok ? '' : `**Not measured in this run**: ${outcome.reason}.`;
}

/** Pads every Markdown table's columns, as the repository's formatter (Biome) writes them. */
export function alignTables(text: string): string {
  const lines = text.split('\n');
  for (let start = 0; start < lines.length; start++) {
    if (!lines[start]?.startsWith('|')) continue;
    let end = start;
    while (lines[end + 1]?.startsWith('|')) end++;
    const rows = lines.slice(start, end + 1).map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
    // At least 3: a separator cell is `---` at the narrowest.
    const widths = (rows[0] ?? []).map((_, i) =>
      Math.max(3, ...rows.map((r) => (r[i] ?? '').length)),
    );
    rows.forEach((cells, r) => {
      const padded = widths.map((w, i) => (r === 1 ? '-'.repeat(w) : (cells[i] ?? '').padEnd(w)));
      lines[start + r] = `| ${padded.join(' | ')} |`;
    });
    start = end;
  }
  return lines.join('\n');
}
