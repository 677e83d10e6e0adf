import { type CapacityResult, doublingLevel } from './capacity.js';
import { failureNote, header, p, row } from './report-table.js';
import type { Outcome } from './run/section.js';
import type { Usage } from './usage.js';

/** CPU, memory, and what each session adds over `idle`: (level − idle) / sessions. */
function usageCells(usage: Usage, idle: Usage, sessions: number): string[] {
  const cpu = (usage.cpu - idle.cpu) / sessions;
  const mb = (usage.rssMb - idle.rssMb) / sessions;
  return [
    usage.cpu.toFixed(2),
    usage.rssMb.toFixed(0),
    `${cpu.toFixed(3)} cores, ${mb.toFixed(0)} MB`,
  ];
}

/** The capacity section of docs/performance.md. */
export function capacitySection(capacity: Outcome<CapacityResult> | undefined): string {
  if (!capacity) return '';
  const lines = [
    '## Capacity',
    '',
    'Concurrent sessions of headless `@livekit/rtc-node` participants (one room each, a 200 ms',
    'tone about every 2 s) against one worker (`start`, 2 idle job processes) and one dev server',
    '(its own process), the stand-in answering each tone. Sessions stay while more join; each',
    'level is measured over at least 12 s and 10 turns, counting tones that start after the',
    'agents greeted. One round: the spread is the p50/p95 within a level. CPU in cores (1.00 =',
    'one core busy); per session = (level − idle) / sessions. The worker figures include its 2',
    "idle job processes and the framework's inference process (turn detector). The participants",
    "and the stand-in, what stands in for the visitors' browsers and for Gemini, run in the",
    "benchmark's process on the same machine: its CPU has a column, beside the whole",
    "machine's (neighbours included), so that a level where the machine is full shows. An answer",
    'later than one tone period counts for the next tone, so under heavy load the tail is',
    'understated.',
  ];
  const result = capacity.value;
  if (result) {
    const { idle, levels } = result;
    const doubled = doublingLevel(levels);
    lines.push(
      '',
      `Idle: worker ${idle.worker.cpu.toFixed(2)} cores, ${idle.worker.rssMb.toFixed(0)} MB; dev server ${idle.devServer.cpu.toFixed(2)} cores, ${idle.devServer.rssMb.toFixed(0)} MB; visitors and stand-in ${idle.load.generator.toFixed(2)} cores; the machine ${idle.load.machine.toFixed(2)} cores.`,
      '',
      header([
        'sessions',
        'answered / tones',
        'p50',
        'p95',
        'worker CPU',
        'worker MB',
        'worker per session',
        'dev server CPU',
        'dev server MB',
        'dev server per session',
        'visitors and stand-in CPU',
        'machine CPU',
      ]),
      ...levels.map((l) =>
        row([
          l.sessions,
          `${l.delays.length} / ${l.tones}`,
          p(l.delays, 50),
          p(l.delays, 95),
          ...usageCells(l.worker, idle.worker, l.sessions),
          ...usageCells(l.devServer, idle.devServer, l.sessions),
          l.load.generator.toFixed(2),
          l.load.machine.toFixed(2),
        ]),
      ),
      '',
      result.workerFullAt === undefined
        ? 'The worker never reported itself FULL (it runs with `--load-threshold none`).'
        : `The worker reported itself FULL at load ${result.workerFullAt}.`,
      doubled
        ? `**p95 latency doubles** (against ${levels[0]?.sessions} session${levels[0]?.sessions === 1 ? '' : 's'}) **at ${doubled.sessions} concurrent sessions** on this machine.`
        : `p95 latency did not double up to ${levels.at(-1)?.sessions} concurrent sessions (the most measured).`,
    );
    if (result.notHeld) {
      lines.push(
        '',
        `**Not held: ${result.notHeld.sessions} sessions** (${result.notHeld.reason}): past the level where p95 doubled, the machine is beyond its capacity, and the section ends there.`,
      );
    }
  }
  lines.push('', failureNote(capacity));
  return lines.join('\n');
}
