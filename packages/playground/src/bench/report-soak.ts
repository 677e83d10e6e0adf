import { header, row, verdict } from './report-table.js';
import type { Outcome } from './run/section.js';
import type { JobMemory, SoakResult } from './soak.js';
import { slope } from './stats.js';

/** Below this CPU (cores) over the soak, a job process served no session: an idle one. */
const IDLE_CPU = 0.03;
/** The issue's target: memory growth under 5 % per 10 minutes. */
const GROWTH_TARGET = 0.05;

/** A job process's memory trend: MB per 10 minutes over all samples and over the second half. */
export function memoryTrend(job: JobMemory): {
  first: number;
  last: number;
  perTen: number;
  secondHalfPerTen: number;
} {
  const minutes = job.samples.map((s) => s.minute);
  const rss = job.samples.map((s) => s.rssMb);
  const half = Math.floor(rss.length / 2);
  return {
    first: rss[0] ?? Number.NaN,
    last: rss.at(-1) ?? Number.NaN,
    perTen: slope(minutes, rss) * 10,
    secondHalfPerTen: slope(minutes.slice(half), rss.slice(half)) * 10,
  };
}

/** The minute a session stopped being answered: no new answer over a whole minute, if so. */
export function stoppedAt(answered: number[], minutes: number[]): number | undefined {
  for (let i = 0; i < answered.length; i++) {
    const j = minutes.findIndex((m) => m >= (minutes[i] ?? 0) + 1);
    if (j >= 0 && answered[j] === answered[i]) return minutes[i];
  }
  return undefined;
}

export function soakSection(soak: Outcome<SoakResult> | undefined): string {
  if (!soak?.value)
    return soak ? `## Soak\n\n**Not measured in this run**: ${soak.ok ? '' : soak.reason}.` : '';
  const { sessions, minutes, jobs, answered, warnings, deaf } = soak.value;
  const span = minutes.at(-1) ?? 0;
  const answers = answered.reduce((sum, a) => sum + (a.at(-1) ?? 0), 0);
  const perMinute = Array.from({ length: Math.floor(span) }, (_, m) => {
    const at = (minute: number) => {
      const i = minutes.findIndex((t) => t >= minute);
      return answered.reduce((sum, a) => sum + (a[i] ?? 0), 0);
    };
    return at(m + 1) - at(m);
  });
  const busy = jobs.filter((job) => job.cpu >= IDLE_CPU);
  const growths = busy.map((job) => {
    const trend = memoryTrend(job);
    return trend.perTen / trend.first;
  });
  const lost = answered
    .map((a, i) => ({ session: i + 1, at: stoppedAt(a, minutes) }))
    .filter((s) => s.at !== undefined);
  return [
    '## Soak',
    '',
    `${sessions} sessions of the capacity section's set-up (rtc-node visitors, a tone about every`,
    `2 s, the stand-in answering each) held ${span.toFixed(1)} minutes against one \`start\` worker;`,
    "every job process's resident memory sampled every",
    `${((span * 60) / Math.max(1, minutes.length - 1)).toFixed(0)} s, its trend a least-squares slope over all samples and over the second half.`,
    '',
    header([
      'job process',
      'CPU',
      'MB at start',
      'MB at end',
      'slope, MB / 10 min',
      'second half, MB / 10 min',
      'growth / 10 min',
    ]),
    ...jobs.map((job) => {
      const t = memoryTrend(job);
      return row([
        `${job.pid}${job.cpu < IDLE_CPU ? ' (idle)' : ''}`,
        job.cpu.toFixed(2),
        t.first.toFixed(0),
        t.last.toFixed(0),
        t.perTen.toFixed(1),
        t.secondHalfPerTen.toFixed(1),
        `${((t.perTen / t.first) * 100).toFixed(1)}%`,
      ]);
    }),
    '',
    `Answers per minute (all sessions): ${perMinute.join(', ')}; ${answers} in all, per session ${answered.map((a) => a.at(-1) ?? 0).join(', ')}. Sessions that stopped being answered for a whole minute: ${lost.length === 0 ? 'none' : lost.map((s) => `session ${s.session} from minute ${(s.at ?? 0).toFixed(1)}`).join(', ')}. Visitors that could not read the agent's audio track: ${deaf.length === 0 ? 'none' : deaf.map((d) => `session ${d.session} (${d.reason})`).join(', ')}.`,
    '',
    `The worker's warnings and errors in the soak: ${
      warnings.length === 0
        ? 'none'
        : warnings
            .map(
              (w) =>
                `${w.count} × "${w.message}" (${(w.count / Math.max(1, answers)).toFixed(2)} per answer)`,
            )
            .join('; ')
    }.`,
    '',
    `Target (issue #15): memory growth under 5 % per 10 minutes for every job process serving a session (${verdict(growths.length > 0 && growths.every((g) => g < GROWTH_TARGET))}), no session lost (${verdict(lost.length === 0 && deaf.length === 0)}).`,
  ].join('\n');
}
