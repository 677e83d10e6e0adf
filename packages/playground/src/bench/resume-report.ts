import { alignTables, failureNote, header, p, percent, row } from './report-table.js';
import type { ResumeRound } from './resume.js';
import { PING_TIMEOUT_S } from './resume-tries.js';
import type { Outcome } from './run/section.js';
import { percentile, spread } from './stats.js';

/** Issue #11's target for both figures, on this machine. */
const TARGET_MS = 1_500;

function figureRow(label: string, rounds: number[][]): string {
  const all = rounds.flat();
  const p50s = rounds.map((round) => percentile(round, 50));
  const [p50, p95] = [percentile(all, 50), percentile(all, 95)];
  const met = (value: number) => (value < TARGET_MS ? 'met' : 'missed');
  return row([
    label,
    all.length,
    p50s.map((v) => p([v], 50)).join(', '),
    percent(spread(p50s)),
    p(all, 50),
    p(all, 95),
    `p50 ${met(p50)}, p95 ${met(p95)}`,
  ]);
}

/** The resume section: a network drop and a reload (`persist`) to `listening` again. */
export function resumeSection(resume: Outcome<ResumeRound[]> | undefined): string {
  if (!resume) return '';
  const rounds = resume.value ?? [];
  const lines = [
    '## Resume after a network drop or a reload',
    '',
    'The playground in offline demo mode, its page with `persist`; Chromium runs as its own user so',
    'that iptables drops everything it sends and everything sent to it (its signalling WebSocket,',
    `its WebRTC media and data). The dev server's ping timeout is ${PING_TIMEOUT_S} s (as in the`,
    'network-drop e2e test), so that both sides notice a cut of a few seconds. Each round is a call',
    'of its own: its network is cut while the agent listens, for 5 to 7.25 s (longer by 0.75 s at',
    'each try, so that the restore lands at another point of the reconnect attempts) and at least',
    'until the widget shows the lost connection, then restored; then the page is reloaded. From the',
    "restore, and from the new page's navigation start and its load event, to the widget's",
    '`voice-agent-state` event with `listening`, in the same room as the same visitor.',
    '',
    header([
      'from',
      'n',
      'p50 of each round',
      'spread of rounds',
      'p50, all',
      'p95, all',
      `target: under ${TARGET_MS / 1000} s`,
    ]),
  ];
  if (rounds.length > 0) {
    lines.push(
      figureRow(
        'the network back',
        rounds.map((r) => r.network),
      ),
      figureRow(
        "the new page's navigation start",
        rounds.map((r) => r.reload.map((t) => t.fromNavigationMs)),
      ),
      figureRow(
        "the new page's load event",
        rounds.map((r) => r.reload.map((t) => t.fromLoadMs)),
      ),
    );
  }
  lines.push('', failureNote(resume));
  return `\n${alignTables(lines.join('\n').trimEnd())}\n`;
}

declare module './report.js' {
  /** The resume section's outcome beside the others (report.ts lists the rest). */
  interface BenchResults {
    resume?: Outcome<ResumeRound[]>;
  }
}
