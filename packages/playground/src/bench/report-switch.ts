import { header, p, row, verdict } from './report-table.js';
import { percentile } from './stats.js';
import type { SwitchFigures } from './switch.js';

/** Target: no silence inside an answer that spans a switch. */
const SILENCE_TARGET_MS = 0;
/** Target: the first answer after a switch at most this much later than one without. */
const EXTRA_DELAY_TARGET_MS = 300;

/** One figure with a switch beside the same figure without: n, p50 and p95 of each. */
function comparisonRow(figure: string, switched: number[], plain: number[], target: string) {
  return row([
    figure,
    switched.length,
    p(switched, 50),
    p(switched, 95),
    plain.length,
    p(plain, 50),
    p(plain, 95),
    target,
  ]);
}

/** The switch section's table: each figure with and without a goAway switch, side by side. */
export function switchTable(figures: SwitchFigures): string {
  const extra = percentile(figures.afterSwitchDelay, 50) - percentile(figures.plainDelay, 50);
  const extra95 = percentile(figures.afterSwitchDelay, 95) - percentile(figures.plainDelay, 95);
  // Under 20 ms is one audio frame of timer jitter, not a silence anyone hears.
  const silent = percentile(figures.spanningSilence, 95) <= SILENCE_TARGET_MS + 20;
  return [
    `${figures.switches} goAway switches; each figure beside the same turns without a switch.`,
    '',
    header(['figure', 'n', 'p50', 'p95', 'without a switch: n', 'p50', 'p95', 'target']),
    comparisonRow(
      'tone → first answer audio, first answer after a switch',
      figures.afterSwitchDelay,
      figures.plainDelay,
      `≤ ${EXTRA_DELAY_TARGET_MS} ms extra: ${verdict(Math.max(extra, extra95) <= EXTRA_DELAY_TARGET_MS)}`,
    ),
    comparisonRow(
      'longest silence inside an answer a goAway arrives in',
      figures.spanningSilence,
      figures.plainSilence,
      `none: ${verdict(silent)}`,
    ),
    '',
    `Extra delay of the first answer after a switch: ${Math.round(extra)} ms at p50, ${Math.round(extra95)} ms at p95.`,
  ].join('\n');
}
