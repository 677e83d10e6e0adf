import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AudioStream, type RemoteTrack, Room, RoomEvent, TrackKind } from '@livekit/rtc-node';
import { GeminiLiveStandIn, recallingTurn, startRedisServer } from '@voice-agent/agent/testing';
import { startDevServer } from '@voice-agent/devserver';
import { waitFor } from '@voice-agent/testing';
import { AccessToken, RoomAgentDispatch, RoomConfiguration } from 'livekit-server-sdk';
import { spawnWorker, type WorkerProcess } from '../worker/worker-process.js';
import { killGroup, onInterrupt } from './run/cleanup.js';
import { withinLimit } from './run/limits.js';
import { progress } from './run/progress.js';
import { Unmeasured } from './run/section.js';

const [KEY, SECRET, AGENT_NAME] = ['devkey', 'secret', 'failover-bench'];
/** The protocol's caption and typed-text topics (`TOPICS` in @voice-agent/protocol). */
const TOPICS = { transcription: 'lk.transcription', chat: 'lk.chat' };
const NAME = {
  pattern: /my name is (\w+)/i,
  answer: 'Your name is $1.',
  otherwise: 'I do not know.',
};
/** A replacement worker's idle job process has booted by then (it is the one that resumes). */
const WARM_MS = 8_000;
const STEP_LIMIT_MS = 20_000;
/** An answer counts as heard when a received frame's RMS passes this (0–1). */
const HEARD_LEVEL = 0.05;

/** One kill: from the worker's SIGKILL to the new agent listening, and to its answer heard. */
export interface FailoverGap {
  agentBackMs: number;
  heardMs: number;
}

interface Worker {
  process: WorkerProcess;
  pid: number;
  id: Promise<string>;
  since: number;
}

function loudness(data: Int16Array): number {
  let sum = 0;
  for (const sample of data) sum += (sample / 32768) ** 2;
  return data.length ? Math.sqrt(sum / data.length) : 0;
}

/**
 * `kills` times: a visitor (rtc-node) tells the agent its name, the worker running the call
 * is killed with SIGKILL, and the visitor asks again as soon as a new agent listens. Two real
 * `voice-agent-worker start` processes share a real redis-server; each kill's worker is
 * replaced. An answer that does not recall the name counts as a failed kill.
 */
export async function measureFailover(kills: number, signal: AbortSignal): Promise<FailoverGap[]> {
  if (kills < 1) throw new Error(`nothing to measure: ${kills} kills`);
  const stopped: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stopped.splice(0).reverse()) await stop().catch(() => undefined);
  };
  const forget = onInterrupt(stopAll);
  const gaps: FailoverGap[] = [];
  try {
    const redis = await startRedisServer();
    stopped.push(() => redis.stop());
    const standIn = await GeminiLiveStandIn.start({
      reactions: [{ on: 'clientTurn', reply: recallingTurn(NAME) }],
    });
    stopped.push(() => standIn.close());
    const server = await startDevServer({ port: 0 });
    stopped.push(() => server.close());
    const dir = await mkdtemp(join(tmpdir(), 'voice-agent-failover-'));
    stopped.push(() => rm(dir, { recursive: true, force: true }));
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ instructions: 'You are a test agent.' }));

    const workers: Worker[] = [];
    const spawn = (): Worker => {
      let gotId: (id: string) => void = () => undefined;
      const id = new Promise<string>((resolve) => {
        gotId = resolve;
      });
      const process = spawnWorker({
        config,
        idleProcesses: 1,
        env: {
          LIVEKIT_URL: server.url,
          LIVEKIT_API_KEY: KEY,
          LIVEKIT_API_SECRET: SECRET,
          GOOGLE_API_KEY: 'bench',
          GOOGLE_GEMINI_BASE_URL: standIn.baseUrl,
          AGENT_NAME,
          VOICE_AGENT_REDIS_URL: redis.url,
        },
        onLine: (line) => {
          const match = /registered worker (\{.*\})/.exec(line);
          if (match?.[1]) gotId((JSON.parse(match[1]) as { id: string }).id);
        },
      });
      stopped.push(() => process.stop(1_000));
      const worker = { process, pid: process.pid, id, since: performance.now() };
      workers.push(worker);
      return worker;
    };
    spawn();
    spawn();
    for (let kill = 1; kill <= kills; kill++) {
      signal.throwIfAborted();
      await withinLimit(
        Promise.all(workers.map((w) => w.process.registered)),
        STEP_LIMIT_MS,
        'the workers to register',
      );
      // The survivor resumes in its idle job process: a new worker's has booted by the kill.
      const warmAt = Math.max(...workers.map((w) => w.since)) + WARM_MS;
      const gap = await oneKill(`failover-${kill}`, server, workers, warmAt);
      gaps.push(gap);
      progress(
        `failover: kill ${kill}/${kills}: agent back ${Math.round(gap.agentBackMs)} ms, answer heard ${Math.round(gap.heardMs)} ms`,
      );
      spawn();
    }
    return gaps;
  } catch (error) {
    throw new Unmeasured(
      `after ${gaps.length} of ${kills} kills: ${(error as Error).message}`,
      gaps.length > 0 ? gaps : undefined,
    );
  } finally {
    await stopAll();
    forget();
  }
}

async function oneKill(
  roomName: string,
  server: Awaited<ReturnType<typeof startDevServer>>,
  workers: Worker[],
  warmAt: number,
): Promise<FailoverGap> {
  const token = new AccessToken(KEY, SECRET, { identity: `visitor-${roomName}` });
  token.addGrant({ roomJoin: true, room: roomName, canPublish: true, canSubscribe: true });
  token.roomConfig = new RoomConfiguration({
    agents: [new RoomAgentDispatch({ agentName: AGENT_NAME })],
  });
  const room = new Room();
  const captions: { from: string; text: string }[] = [];
  let heard: ((at: number, from: string) => void) | undefined;
  room.registerTextStreamHandler(TOPICS.transcription, async (reader, participant) => {
    const text = (await reader.readAll()).trim();
    if (text) captions.push({ from: participant.identity, text });
  });
  room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _publication, participant) => {
    if (track.kind !== TrackKind.KIND_AUDIO) return;
    void (async () => {
      const reader = new AudioStream(track, 48_000, 1).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (loudness(value.data) >= HEARD_LEVEL) heard?.(performance.now(), participant.sid ?? '');
      }
    })();
  });
  const agentListening = (except?: string) =>
    new Promise<string>((resolve) => {
      const check = () => {
        for (const participant of room.remoteParticipants.values()) {
          const state = participant.attributes['lk.agent.state'];
          if (state === 'listening' && participant.sid !== except) resolve(participant.sid ?? '');
        }
      };
      room.on(RoomEvent.ParticipantAttributesChanged, check);
      room.on(RoomEvent.ParticipantConnected, check);
      check();
    });
  try {
    const first = agentListening();
    await withinLimit(room.connect(server.url, await token.toJwt()), STEP_LIMIT_MS, 'joining');
    const firstSid = await withinLimit(first, STEP_LIMIT_MS, 'the first agent');
    await room.localParticipant?.sendText('My name is Ada.', { topic: TOPICS.chat });
    await waitFor(() => (captions.length > 0 ? true : undefined), {
      timeoutMs: STEP_LIMIT_MS,
      what: 'the first answer',
    });

    const workerId = server.jobs().find((job) => job.room === roomName)?.worker;
    const index = await indexOfWorker(workers, workerId);
    const [doomed] = workers.splice(index, 1);
    if (!doomed) throw new Error(`no worker process for ${workerId}`);
    await sleep(Math.max(0, warmAt - performance.now()));
    const back = agentListening(firstSid);
    const killedAt = performance.now();
    process.kill(doomed.pid, 'SIGKILL');
    const newSid = await withinLimit(back, STEP_LIMIT_MS, 'a new agent');
    const agentBackAt = performance.now();
    const answer = new Promise<number>((resolve) => {
      heard = (at, from) => {
        if (from === newSid) resolve(at);
      };
    });
    const answered = captions.length;
    await room.localParticipant?.sendText('What is my name?', { topic: TOPICS.chat });
    const heardAt = await withinLimit(answer, STEP_LIMIT_MS, "the new agent's answer");
    await waitFor(() => (captions.length > answered ? true : undefined), {
      timeoutMs: STEP_LIMIT_MS,
      what: "the new agent's caption",
    });
    const said = captions[answered]?.text;
    if (said !== 'Your name is Ada.') throw new Error(`the new agent answered "${said}"`);
    killGroup(doomed.pid, 'SIGKILL');
    return { agentBackMs: agentBackAt - killedAt, heardMs: heardAt - killedAt };
  } finally {
    await room.disconnect().catch(() => undefined);
  }
}

async function indexOfWorker(workers: Worker[], id: string | undefined): Promise<number> {
  const ids = await Promise.all(workers.map((w) => w.id));
  const index = ids.indexOf(id ?? '');
  if (index < 0) throw new Error(`the job ran on an unknown worker (${id})`);
  return index;
}
