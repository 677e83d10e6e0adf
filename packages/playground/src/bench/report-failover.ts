import type { FailoverGap } from './failover.js';
import { failureNote, header, p, row, verdict } from './report-table.js';
import type { Outcome } from './run/section.js';
import { percentile } from './stats.js';

/** The failover section of docs/performance.md. */
export function failoverSection(failover: Outcome<FailoverGap[]> | undefined): string {
  if (!failover) return '';
  const gaps = failover.value ?? [];
  const heard = gaps.map((g) => g.heardMs);
  const lines = [
    '## Failover',
    '',
    'A worker killed with SIGKILL in the middle of a call: two `voice-agent-worker start`',
    'processes (one idle job process each) sharing a redis-server as the conversation store, the',
    'dev server and the stand-in. A visitor (rtc-node) says its name (typed), the worker running',
    'the call is killed, and the visitor asks again the moment a new agent listens; the answer',
    'must recall the name. From the kill to the new agent listening, and to the first loud',
    'audio of its answer. Each kill replaces the worker.',
    '',
    header([
      'n',
      'agent back p50',
      'agent back p95',
      'answer heard p50',
      'answer heard p95',
      'target: heard p50 under 3 s',
    ]),
  ];
  if (gaps.length > 0) {
    lines.push(
      row([
        gaps.length,
        p(
          gaps.map((g) => g.agentBackMs),
          50,
        ),
        p(
          gaps.map((g) => g.agentBackMs),
          95,
        ),
        p(heard, 50),
        p(heard, 95),
        verdict(percentile(heard, 50) < 3_000),
      ]),
    );
  }
  lines.push('', failureNote(failover));
  return lines.join('\n');
}
