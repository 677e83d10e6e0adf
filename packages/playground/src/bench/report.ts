import { cpus, loadavg, release } from 'node:os';
import type { CapacityResult } from './capacity.js';
import type { ConnectRounds } from './connect.js';
import type { FailoverGap } from './failover.js';
import { capacitySection } from './report-capacity.js';
import { failoverSection } from './report-failover.js';
import { soakSection } from './report-soak.js';
import { switchTable } from './report-switch.js';
import { alignTables, failureNote, header, p, row, verdict } from './report-table.js';
import { hopTable, voiceTable } from './report-voice.js';
import type { Outcome } from './run/section.js';
import type { Size } from './sizes.js';
import type { SoakResult } from './soak.js';
import { median, percentile } from './stats.js';
import type { SwitchFigures } from './switch.js';
import type { TokenRatio } from './token-ratio.js';
import type { VoiceRound } from './voice.js';

/** Whatever sections ran, measured or not. */
export interface BenchResults {
  connect?: Outcome<ConnectRounds>;
  connectDevMode?: Outcome<ConnectRounds>;
  voice?: Outcome<VoiceRound[]>;
  switch?: Outcome<SwitchFigures>;
  capacity?: Outcome<CapacityResult>;
  sizes?: Outcome<Size[]>;
  token?: Outcome<TokenRatio>;
  failover?: Outcome<FailoverGap[]>;
  soak?: Outcome<SoakResult>;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const load = (values: number[]) => values.map((l) => l.toFixed(2)).join(' / ');

function connectRows(label: string, outcome: Outcome<ConnectRounds> | undefined): string[] {
  if (!outcome?.value) return [];
  const rounds = outcome.value;
  const all = rounds.flat();
  const roundP50s = rounds.map((round) =>
    percentile(
      round.map((s) => s.total),
      50,
    ),
  );
  const met = median(roundP50s) < 1000;
  return [
    row([
      label,
      all.length,
      roundP50s.map((v) => p([v], 50)).join(', '),
      p([median(roundP50s)], 50),
      p(
        all.map((s) => s.total),
        95,
      ),
      p(
        all.map((s) => s.token),
        50,
      ),
      verdict(met),
    ]),
  ];
}

function connectSection({ connect, connectDevMode }: BenchResults): string {
  if (!connect) return '';
  return [
    '## Connect',
    '',
    "`start()` in the page to the agent's first state (`listening`), sessions 3 s apart in the same",
    'page (a visitor arriving at an idle worker: once a job is in its call the worker boots a',
    'replacement idle process, which on 2 cores competes with a session started then), in rounds. The token',
    'request is part of it (Resource Timing). What remains with prewarmed processes: the page',
    'joining the room (signalling, ICE and DTLS with the dev server), the dispatch, the job joining',
    'the room the same way, and the agent session opening its Gemini Live connection.',
    '',
    header([
      'worker',
      'n',
      'p50 of each round',
      'median of rounds',
      'p95, all rounds',
      'token request p50',
      'target: p50 under 1 s',
    ]),
    ...connectRows('`start`, 2 prewarmed job processes (what `npm start` runs)', connect),
    ...connectRows('`dev`: a fresh job process per job (before)', connectDevMode),
    '',
    [failureNote(connect), connectDevMode ? failureNote(connectDevMode) : '']
      .filter(Boolean)
      .join('\n'),
  ].join('\n');
}

function voiceSection({ voice }: BenchResults): string {
  if (!voice) return '';
  return [
    '## Voice to voice',
    '',
    'A 400 ms 440 Hz tone about every 2 s (2,002 ms, so that each tone lands 2 ms further into',
    'the 20 ms input chunks and Opus frames; ten tones to a file) in the fake microphone; the stand-in answers with a',
    '300 ms 880 Hz tone the moment it receives audio louder than 0.01 RMS. Onsets are taken in the',
    "page from the frames of the microphone track and of every received track, at each frame's own",
    'timestamp (a `MediaStreamTrackProcessor`, 1 ms blocks; no AudioContext, whose buffering',
    'added a delay of its own to each tap, different per context and per run); the stand-in',
    'notes when it answers, which splits each turn into up and down (same system clock); "heard /',
    'answered / tones" counts the answers heard in the page, the tones the stand-in answered and',
    'the tones played. The floor is the same tone from one page to another through the dev server',
    "alone (livekit-client on both sides, one hop plus the receiver's jitter buffer), two more",
    'pages in the same Chromium. The dev server runs in a process of its own, as an SFU has its',
    "own host: in the bench's process, its forwarding waited behind Playwright and the bench's",
    "garbage collection. The stack's session and the floor's call start together, play",
    "warm-up tones that are not measured (Chromium's receiver adapts its jitter buffer over the",
    'first tens of seconds), then the rounds are consecutive windows of the same session and call:',
    'both receive paths are the same age in every window and their tones play at the same moments,',
    'so both see the same load. A round with n = 0 or most tones unanswered fails the section.',
    '',
    voice.value && voice.value.length > 0 ? voiceTable(voice.value) : '',
    '',
    '### Where the time goes',
    '',
    'Each hop notes when the sound of a turn starts there, on one clock (every process on this',
    "machine reads the system clock as `performance.timeOrigin + performance.now()`): the page's",
    'microphone and speaker (the frame taps above), the dev server (an RTP packet of sound',
    "after 250 ms of silence-sized packets, not decoded), the job process (the visitor's audio",
    "reaching the realtime session; the answer's first frame going to rtc-node, the framework's",
    'playback start), and the stand-in (it answers in the handler of the first loud chunk). The',
    'processes write these onsets to a file named by `VOICE_AGENT_HOP_LOG` (opt-in, off otherwise).',
    'A turn counts when it was seen at every hop, in order, before the next tone.',
    '',
    voice.value && voice.value.length > 0 ? hopTable(voice.value) : '',
    '',
    failureNote(voice),
  ].join('\n');
}

function switchSection({ switch: switched }: BenchResults): string {
  if (!switched) return '';
  return [
    '## A Gemini connection switch (goAway)',
    '',
    'The real framework, Google plugin and SDK in the bench process with the stand-in: a 300 ms',
    'tone every 3 s in a microphone; the stand-in answers each with 500 ms of audio, a 200 ms',
    'pause and 500 ms more. Every third answer has a goAway (20 s left) after its first part:',
    'the agent moves to a new connection once that answer is over. A speaker that plays in real',
    'time hears the answers: the delay from the tone to the first audio of an answer, and the',
    'longest time inside an answer when it had nothing to play.',
    '',
    switched.value ? switchTable(switched.value) : '',
    '',
    failureNote(switched),
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
    ...(sizes.value ?? []).map((s) => row([s.what, kb(s.raw), kb(s.gzip), kb(s.brotli)])),
    row(['anchor: livekit-client alone', '', '150 KB', '']),
    row(["anchor: ElevenLabs' widget", '', '191 KB', '']),
    row(["anchor: Vapi's widget", '', '184 KB', '']),
    '',
    failureNote(sizes),
  ].join('\n');
}

function tokenSection({ token }: BenchResults): string {
  if (!token) return '';
  const lines = [
    '## Token service',
    '',
    "`packages/server`'s own benchmark, run by this script (method and discussion in its",
    '[README](../packages/server/README.md#benchmark)): `POST /token` on Hono against the same',
    'endpoint on plain Express 5.',
  ];
  if (token.value) {
    const { ratio, output } = token.value;
    lines.push(
      `**Throughput ratio ${ratio.toFixed(2)}x** (target at least 3x: ${verdict(ratio >= 3)}).`,
      '',
      '```',
      output,
      '```',
    );
  }
  lines.push('', failureNote(token));
  return lines.join('\n');
}

function runTable(results: BenchResults): string {
  const outcomes = Object.values(results) as Outcome<unknown>[];
  return [
    header(['section', 'result', 'seconds', 'load (1 min) before → after']),
    ...outcomes.map((o) =>
      row([
        o.section,
        o.ok ? 'measured' : 'FAILED',
        o.seconds.toFixed(0),
        `${o.load.before.toFixed(2)} → ${o.load.after.toFixed(2)}`,
      ]),
    ),
  ].join('\n');
}

/** The bench's part of docs/performance.md: the results, the date, the machine and its load. */
export function report(results: BenchResults, loadAtStart: number[]): string {
  const cpu = cpus();
  const sections = [
    connectSection(results),
    voiceSection(results),
    switchSection(results),
    capacitySection(results.capacity),
    sizesSection(results),
    tokenSection(results),
    failoverSection(results.failover),
    soakSection(results.soak),
  ]
    .map((section) => section.trimEnd())
    .filter(Boolean);
  return alignTables(`## The latest full run

Written by \`npm run bench\` (packages/playground/src/bench) on ${new Date().toISOString()}:
${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Linux ${release()}, Node ${process.version},
load average ${load(loadAtStart)} at the start of the run and ${load(loadavg())} at its end
(the machine is shared with other work: the figures measure the neighbours too, the floor
and the tails most; the load around each section is below).

The stack: the widget's script-tag build in headless Chromium (fake microphone), the
development LiveKit server, the real agent worker (\`@livekit/agents\`, Google plugin) and
the Gemini Live stand-in answering the moment it hears a tone.

${runTable(results)}

${sections.join('\n\n')}
`);
}
