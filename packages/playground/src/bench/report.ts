import { cpus, loadavg, release } from 'node:os';
import { type CapacityResult, doublingLevel } from './capacity.js';
import type { ConnectSample } from './connect.js';
import type { Size } from './sizes.js';
import { ms, percentile } from './stats.js';
import type { TokenRatio } from './token-ratio.js';
import type { Usage } from './usage.js';
import type { VoiceTurns } from './voice.js';

/** Whatever sections ran. */
export interface BenchResults {
  connect?: ConnectSample[];
  connectDevMode?: ConnectSample[];
  voice?: VoiceTurns;
  floor?: number[];
  capacity?: CapacityResult;
  sizes?: Size[];
  token?: TokenRatio;
}

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => `${row(cells)}\n${row(cells.map(() => '-'))}`;

/** Pads every Markdown table's columns, as the repository's formatter (Biome) writes them. */
function alignTables(text: string): string {
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
const p = (values: number[], q: number) => ms(percentile(values, q));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const verdict = (met: boolean) => (met ? 'met' : 'missed');
/** A row of the voice table: what was measured, how many, p50, p95, no target. */
const distributionRow = (what: string, values: number[]) =>
  row([what, values.length, p(values, 50), p(values, 95), '']);

function connectSection({ connect, connectDevMode }: BenchResults): string {
  if (!connect) return '';
  const lines = [
    '## Connect',
    '',
    "`start()` in the page to the agent's first state (`listening`), sessions 3 s apart in the same",
    'page (a visitor arriving at an idle worker: right after a job the worker boots a replacement',
    'idle process, which on 2 cores competes with a session started at once). The token request',
    'is part of it (Resource Timing). What remains with prewarmed processes: the page joining the',
    'room (signalling, ICE and DTLS with the dev server), the dispatch, the job joining the room',
    'the same way, and the agent session opening its Gemini Live connection.',
    '',
    header(['worker', 'n', 'p50', 'p95', 'token request p50', 'target: p50 under 1 s']),
  ];
  const add = (label: string, samples: ConnectSample[]) => {
    const totals = samples.map((s) => s.total);
    const met = percentile(totals, 50) < 1000;
    lines.push(
      row([
        label,
        samples.length,
        p(totals, 50),
        p(totals, 95),
        p(
          samples.map((s) => s.token),
          50,
        ),
        verdict(met),
      ]),
    );
  };
  add('`start`, 2 prewarmed job processes (what `npm start` runs now)', connect);
  if (connectDevMode) add('`dev`: a fresh job process per job (before)', connectDevMode);
  return lines.join('\n');
}

function voiceSection({ voice, floor }: BenchResults): string {
  if (!voice || !floor) return '';
  const overhead = percentile(voice.total, 50) - percentile(floor, 50);
  return [
    '## Voice to voice',
    '',
    'A 400 ms 440 Hz tone about every 2 s (2,013 ms, so that each tone lands at another point of',
    'the 50 ms chunks and 20 ms Opus frames below) in the fake microphone; the stand-in answers',
    'with a 300 ms 880 Hz tone the moment it receives audio louder than 0.01 RMS. Onsets are taken',
    'in the page with an AnalyserNode on the microphone track and on every received track; the',
    'stand-in notes when it answers, which splits each turn (same system clock, `Date.now()` and',
    '`performance.timeOrigin + now()`).',
    '',
    "Where the time goes. Ours: the worker asks RoomIO for Gemini Live's input format (16 kHz",
    "mono), so rtc-node resamples the visitor's audio once, natively; at RoomIO's default 24 kHz",
    "the Google plugin's own resampler held back 20 ms more on average. The stand-in answers on",
    "the first chunk louder than 0.01 RMS. The framework's, outside this repository: up, the",
    'Google plugin sends the microphone in 50 ms chunks (`AudioByteStream` of `16000 / 20`',
    'samples in its `realtime_api`), so a tone waits 0 to 50 ms for its chunk; down, the answer',
    "goes through the session's speech scheduling and `ParticipantAudioOutput` (an rtc-node",
    '`AudioSource`) before rtc-node sends it: a few ms (its queue size, 200 ms by default, made',
    'no measurable difference at 20 or 50 ms). Both directions also pay one hop through the dev',
    "server each, which the floor measures (one hop plus the receiver's jitter buffer).",
    '',
    header(['figure', 'n', 'p50', 'p95', 'target']),
    distributionRow('voice to voice: tone in the microphone → answer heard', voice.total),
    distributionRow('… up: tone in the microphone → the stand-in answers', voice.up),
    distributionRow('… down: the stand-in answers → answer heard in the page', voice.down),
    distributionRow('floor: the same tone browser → dev server → browser', floor),
    row([
      'overhead of our stack (voice p50 − floor p50)',
      '',
      ms(overhead),
      '',
      `at most 150 ms: ${verdict(overhead <= 150)}`,
    ]),
  ].join('\n');
}

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

function capacitySection({ capacity }: BenchResults): string {
  if (!capacity) return '';
  const { idle, levels } = capacity;
  const doubled = doublingLevel(levels);
  return [
    '## Capacity',
    '',
    'Concurrent sessions of headless `@livekit/rtc-node` participants (one room each, a 200 ms',
    'tone about every 2 s) against one worker (`start`, 2 idle job processes) and one dev server',
    '(its own process), the stand-in answering each tone. Sessions stay while more join; each',
    'level is measured over at least 15 s and 30 turns, counting tones that start after the',
    'agents greeted. CPU in cores (1.00 = one core busy);',
    'per session = (level − idle) / sessions. The worker figures include its 2 idle job processes',
    "and the framework's inference process (turn detector); the participants run in the benchmark",
    'process and are not counted. An answer later than one tone period counts for the next tone,',
    'so under heavy load the tail is understated.',
    '',
    `Idle: worker ${idle.worker.cpu.toFixed(2)} cores, ${idle.worker.rssMb.toFixed(0)} MB; dev server ${idle.devServer.cpu.toFixed(2)} cores, ${idle.devServer.rssMb.toFixed(0)} MB.`,
    '',
    header([
      'sessions',
      'turns',
      'p50',
      'p95',
      'worker CPU',
      'worker MB',
      'worker per session',
      'dev server CPU',
      'dev server MB',
      'dev server per session',
    ]),
    ...levels.map((l) =>
      row([
        l.sessions,
        l.delays.length,
        p(l.delays, 50),
        p(l.delays, 95),
        ...usageCells(l.worker, idle.worker, l.sessions),
        ...usageCells(l.devServer, idle.devServer, l.sessions),
      ]),
    ),
    '',
    doubled
      ? `**p95 latency doubles** (against ${levels[0]?.sessions} session${levels[0]?.sessions === 1 ? '' : 's'}) **at ${doubled.sessions} concurrent sessions** on this machine.`
      : `p95 latency did not double up to ${levels.at(-1)?.sessions} concurrent sessions (the most this run tries).`,
  ].join('\n');
}

function sizesSection({ sizes }: BenchResults): string {
  if (!sizes) return '';
  return [
    '## Sizes',
    '',
    "The widget's script-tag build (`packages/widget/dist`), each file compressed on its own",
    '(gzip level 9, brotli quality 11), beside the anchors (gzipped, as published by their makers).',
    '',
    header(['what', 'raw', 'gzip', 'brotli']),
    ...sizes.map((s) => row([s.what, kb(s.raw), kb(s.gzip), kb(s.brotli)])),
    row(['anchor: livekit-client alone', '', '150 KB', '']),
    row(["anchor: ElevenLabs' widget", '', '191 KB', '']),
    row(["anchor: Vapi's widget", '', '184 KB', '']),
  ].join('\n');
}

function tokenSection({ token }: BenchResults): string {
  if (!token) return '';
  return [
    '## Token service',
    '',
    "`packages/server`'s own benchmark, run by this script (method and discussion in its",
    '[README](../packages/server/README.md#benchmark)): `POST /token` on Hono against the same',
    `endpoint on plain Express 5. **Throughput ratio ${token.ratio.toFixed(2)}x** (target at least 3x: ${verdict(token.ratio >= 3)}).`,
    '',
    '```',
    token.output,
    '```',
  ].join('\n');
}

/** docs/performance.md from the results, with the date and the machine. */
export function report(results: BenchResults, loadAtStart: number[]): string {
  const cpu = cpus();
  const sections = [connectSection, voiceSection, capacitySection, sizesSection, tokenSection]
    .map((section) => section(results))
    .filter(Boolean);
  return alignTables(`# Performance

Written by \`npm run bench\` (packages/playground/src/bench) on ${new Date().toISOString()}:
${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Linux ${release()}, Node ${process.version},
load average ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')} at the start of the run and
${loadavg()
  .map((l) => l.toFixed(2))
  .join(' / ')} at its end (the machine is shared with other work: the figures measure the
neighbours too, the floor and the tails most).

The stack: the widget's script-tag build in headless Chromium (fake microphone), the
development LiveKit server, the real agent worker (\`@livekit/agents\`, Google plugin) and
the Gemini Live stand-in answering the moment it hears a tone.

${sections.join('\n\n')}
`);
}
