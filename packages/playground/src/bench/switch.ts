import { ReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import { initializeLogger, voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { createRealtimeModel, resolveAgentConfig } from '@voice-agent/agent';
import { GeminiLiveStandIn, type ServerEvent, tonePcm } from '@voice-agent/agent/testing';
import { toneSamples } from '@voice-agent/testing';
import { progress } from './run/progress.js';
import { Unmeasured } from './run/section.js';
import { type HeardAnswer, RealTimeSpeaker } from './switch-speaker.js';

/** A tone every this often; each answer (two parts around a pause) is over well before. */
const PERIOD_MS = 3_000;
const TONE_MS = 300;
const RATE = 16_000;
const FRAME = RATE / 100;
/** The model's pause between the two parts of an answer: the speaker covers it. */
const PAUSE_MS = 200;

/** What one switch costs, beside the same turns without one. */
export interface SwitchFigures {
  switches: number;
  /** Tone → first audio of the answer, for turns with no switch near them. */
  plainDelay: number[];
  /** Tone → first audio of the first answer after a goAway switch. */
  afterSwitchDelay: number[];
  /** Longest silence inside an answer with no goAway. */
  plainSilence: number[];
  /** Longest silence inside an answer that a goAway arrived in the middle of. */
  spanningSilence: number[];
}

/** A microphone that plays a short tone every period, and notes when each began. */
class ToneMicrophone extends voice.AudioInput {
  readonly toneStarts: number[] = [];
  constructor() {
    super();
    const tone = toneSamples({ durationMs: TONE_MS, sampleRate: RATE });
    const periodFrames = PERIOD_MS / 10;
    let n = 0;
    const started = performance.now();
    this.multiStream.addInputStream(
      new ReadableStream<AudioFrame>({
        pull: async (controller) => {
          await sleep(Math.max(0, started + n * 10 - performance.now()));
          const inPeriod = n % periodFrames;
          const data = new Int16Array(FRAME);
          if (inPeriod * 10 < TONE_MS) {
            if (inPeriod === 0) this.toneStarts.push(performance.now());
            data.set(tone.subarray(inPeriod * FRAME, (inPeriod + 1) * FRAME));
          }
          n += 1;
          controller.enqueue(new AudioFrame(data, RATE, 1, FRAME));
        },
      }),
    );
  }
}

/**
 * `switches` goAway switches, each in three turns: a plain answer, an answer that the goAway
 * arrives in the middle of (the agent moves to a new connection after it), and the first
 * answer on the new connection. Real framework, Google plugin and SDK; the stand-in plays
 * Gemini; a speaker that plays in real time hears the answers.
 */
export async function switchCost(switches: number, signal: AbortSignal): Promise<SwitchFigures> {
  if (switches < 1) throw new Error(`nothing to measure: ${switches} switches`);
  // The framework's logger writes to stdout, which is the report: only what is fatal.
  initializeLogger({ pretty: false, level: 'fatal' });
  const kinds: ('plain' | 'spanning' | 'after')[] = [];
  const part = tonePcm({ frequency: 880, durationMs: 500 });
  const answer = (goAway: boolean): ServerEvent[] => [
    { type: 'audio', pcm: part },
    ...(goAway ? [{ type: 'goAway', timeLeft: '20s' } as const] : []),
    { type: 'wait', ms: PAUSE_MS },
    { type: 'audio', pcm: part },
    { type: 'generationComplete' },
    { type: 'turnComplete' },
  ];
  const standIn = await GeminiLiveStandIn.start({
    reactions: [
      {
        on: 'speech',
        minLevel: 0.02,
        minMs: 60,
        reply: () => {
          const kind = (['plain', 'spanning', 'after'] as const)[kinds.length % 3] ?? 'plain';
          kinds.push(kind);
          return answer(kind === 'spanning');
        },
      },
    ],
  });
  const config = resolveAgentConfig({ instructions: 'bench' });
  const session = new voice.AgentSession({
    llm: createRealtimeModel(config, { googleApiKey: 'bench', geminiBaseUrl: standIn.baseUrl }),
  });
  const microphone = new ToneMicrophone();
  const speaker = new RealTimeSpeaker();
  session.input.audio = microphone;
  session.output.audio = speaker;
  try {
    await session.start({ agent: new voice.Agent({ instructions: 'bench' }) });
    const turns = switches * 3;
    for (let turn = 1; turn <= turns; turn++) {
      await sleep(PERIOD_MS, undefined, { signal });
      if (turn % 3 === 0) {
        const connections = standIn.connections.filter((c) => c.setUp).length;
        progress(
          `switch: ${turn / 3}/${switches} (${speaker.answers.length} answers heard, ${connections} connections)`,
        );
      }
    }
    await sleep(PERIOD_MS, undefined, { signal });
    return figures(microphone.toneStarts, speaker.answers, kinds);
  } finally {
    await session.close().catch(() => undefined);
    await standIn.close();
  }
}

/** Pairs each tone with the answer heard after it (before the next tone). */
function figures(tones: number[], heard: HeardAnswer[], kinds: string[]): SwitchFigures {
  const result: SwitchFigures = {
    switches: 0,
    plainDelay: [],
    afterSwitchDelay: [],
    plainSilence: [],
    spanningSilence: [],
  };
  // The stand-in answers tones in order; an answer belongs to the last tone before it.
  heard.forEach((answer, i) => {
    const tone = tones.filter((t) => t < answer.startedAt).at(-1);
    const kind = kinds[i];
    if (tone === undefined || kind === undefined) return;
    const delay = answer.startedAt - tone;
    if (kind === 'plain') {
      result.plainDelay.push(delay);
      result.plainSilence.push(answer.longestSilence);
    } else if (kind === 'spanning') {
      result.spanningSilence.push(answer.longestSilence);
    } else {
      result.afterSwitchDelay.push(delay);
      result.switches += 1;
    }
  });
  if (heard.length !== kinds.length) {
    throw new Unmeasured(
      `${heard.length} answers heard for ${kinds.length} the stand-in gave`,
      result,
    );
  }
  if (result.switches === 0) throw new Unmeasured('no answer after a switch was heard', result);
  if (result.plainDelay.length === 0) throw new Unmeasured('no answer without a switch', result);
  return result;
}
