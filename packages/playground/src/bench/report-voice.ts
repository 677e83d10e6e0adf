import { HOPS, type JitterBuffer, throughJob } from './hops.js';
import { PAGE_JITTER_BUFFER_MS } from './page-jitter.js';
import { header, p, percent, row, verdict } from './report-table.js';
import { median, ms, percentile, spread } from './stats.js';
import type { VoiceRound } from './voice.js';

/** Each round's figures, computed once for the table and the medians. */
function roundFigures(round: VoiceRound) {
  const voiceP50 = percentile(round.total, 50);
  const voiceP95 = percentile(round.total, 95);
  const floorP50 = percentile(round.floor.delays, 50);
  const floorP95 = percentile(round.floor.delays, 95);
  const throughJobs = throughJob(round.hops);
  return {
    voiceP50,
    voiceP95,
    upP50: percentile(round.up, 50),
    downP50: percentile(round.down, 50),
    floorP50,
    floorP95,
    overheadP50: voiceP50 - floorP50,
    overheadP95: voiceP95 - floorP95,
    throughJobP50: percentile(throughJobs, 50),
    throughJobP95: percentile(throughJobs, 95),
  };
}

/** The voice table: one row per round, then the median of rounds and their spread. */
export function voiceTable(rounds: VoiceRound[]): string {
  const figures = rounds.map(roundFigures);
  const col = (key: keyof ReturnType<typeof roundFigures>) => figures.map((f) => f[key]);
  const overheads = col('overheadP50');
  const overhead = median(overheads);
  const overheadP95 = median(col('overheadP95'));
  const throughJobs = col('throughJobP50');
  const throughJobP50 = median(throughJobs);
  const throughJobP95 = median(col('throughJobP95'));
  return [
    header([
      'round',
      'heard / answered / tones',
      'voice p50',
      'voice p95',
      'up p50',
      'down p50',
      'floor heard / tones',
      'floor p50',
      'floor p95',
      'overhead p50',
      'overhead p95',
      'through the job p50',
      'through the job p95',
    ]),
    ...rounds.map((round, i) => {
      const f = figures[i] ?? roundFigures(round);
      return row([
        i + 1,
        `${round.total.length} / ${round.standInAnswered} / ${round.tones}`,
        ms(f.voiceP50),
        ms(f.voiceP95),
        ms(f.upP50),
        ms(f.downP50),
        `${round.floor.delays.length} / ${round.floor.tones}`,
        ms(f.floorP50),
        ms(f.floorP95),
        ms(f.overheadP50),
        ms(f.overheadP95),
        ms(f.throughJobP50),
        ms(f.throughJobP95),
      ]);
    }),
    row([
      '**median of rounds**',
      '',
      ms(median(col('voiceP50'))),
      ms(median(col('voiceP95'))),
      ms(median(col('upP50'))),
      ms(median(col('downP50'))),
      '',
      ms(median(col('floorP50'))),
      ms(median(col('floorP95'))),
      `**${ms(overhead)}**`,
      `**${ms(overheadP95)}**`,
      `**${ms(throughJobP50)}**`,
      `**${ms(throughJobP95)}**`,
    ]),
    '',
    `Overhead of our stack (voice − floor, per round, each round a session of its own): median of rounds ${ms(overhead)} p50 and ${ms(overheadP95)} p95; rounds ${overheads.map(ms).join(', ')}, spread (max − min) / median ${percent(spread(overheads))}. All turns of all rounds together: voice p50 ${p(
      rounds.flatMap((r) => r.total),
      50,
    )}, p95 ${p(
      rounds.flatMap((r) => r.total),
      95,
    )}. Target (issue #15): at most 60 ms p50 (${verdict(overhead <= 60)}) and 150 ms p95 (${verdict(overheadP95 <= 150)}) above the floor.`,
    '',
    `Through the job (the dev server's clock, from the visitor's tone arriving to the agent's answer arriving, per traced turn): median of rounds ${ms(throughJobP50)} p50 and ${ms(throughJobP95)} p95; rounds ${throughJobs.map(ms).join(', ')}, spread ${percent(spread(throughJobs))}. The same target on it: ${verdict(throughJobP50 <= 60)} (p50), ${verdict(throughJobP95 <= 150)} (p95). It leaves out the page: the two page receivers (the stack's and the floor's), pinned at the same jitter buffer, still each hold a little more or less than the pin per call (below), which "voice − floor" counts and the stack does not cause.`,
  ].join('\n');
}

/**
 * Where the time goes: per hop of a turn, p50 and p95 over the turns of every round traced
 * through all hops, and each hop's share of the sum of the hops' p50s.
 */
export function hopTable(rounds: VoiceRound[]): string {
  const perHop = HOPS.map((_, hop) => rounds.flatMap((round) => round.hops[hop] ?? []));
  const traced = perHop[0]?.length ?? 0;
  if (traced === 0) return 'No turn could be traced through every hop (see the hop log).';
  const sumP50 = perHop.reduce((sum, delays) => sum + percentile(delays, 50), 0);
  return [
    `${traced} turns traced through every hop, all rounds together.`,
    '',
    header(['hop', 'p50', 'p95', 'share of the p50s']),
    ...HOPS.map((hop, i) => {
      const delays = perHop[i] ?? [];
      return row([hop, p(delays, 50), p(delays, 95), percent(percentile(delays, 50) / sumP50)]);
    }),
    row(['**sum of the hops**', `**${ms(sumP50)}**`, '', '']),
    '',
    jitterBufferLine(rounds),
    '',
    pageJitterBufferLine(rounds),
  ].join('\n');
}

/** The page receivers, pinned: whether each held the pin, or wanted more (then it shows). */
function pageJitterBufferLine(rounds: VoiceRound[]): string {
  const held = (buffer: JitterBuffer | undefined) =>
    buffer ? `${ms(buffer.meanMs)} (target ${ms(buffer.targetMs)})` : 'not read';
  const figures = rounds.map(
    ({ pageJitterBuffers: { stack, floor } }) => `stack ${held(stack)}, floor ${held(floor)}`,
  );
  return `The page receivers (Chromium's, each pinned at ${PAGE_JITTER_BUFFER_MS} ms at least, \`pinJitterBuffers\`): mean jitter buffer delay of the samples each emitted in each round: ${figures.join('; ')}. A target above the pin is a receiver that wanted more: its excess is in the figures above.`;
}

/** The job's receiver of the visitor's audio: how much of its hop is the jitter buffer. */
function jitterBufferLine(rounds: VoiceRound[]): string {
  const figures = rounds.map((round) =>
    round.jitterBuffer
      ? `${ms(round.jitterBuffer.meanMs)} (target ${ms(round.jitterBuffer.targetMs)}, minimum ${ms(round.jitterBuffer.minimumMs)})`
      : 'not logged',
  );
  return `The job's WebRTC receiver of the visitor's audio (rtc-node's \`getRtcStats\`, read at each turn): mean jitter buffer delay of the samples it emitted in each round ${figures.join(', ')}.`;
}
