import { voice, waitUntilTimeout } from '@livekit/agents';
import type { AudioFrame, Room } from '@livekit/rtc-node';
import type { AgentConfig } from '../config/config.js';
import type { KeptConversation } from '../conversation/keeper.js';
import type { ConversationStore } from '../conversation/store.js';
import { reportCall } from '../metrics/call-reporter.js';
import { announceEnd } from './ending.js';
import { JobChannelClient, type WorkerNotice } from './job-channel.js';
import { isOrphaned, onWorkerGone } from './orphan-guard.js';

/** What a drained call is asked to say when it reaches the drain limit. */
export const DRAIN_GOODBYE_INSTRUCTIONS =
  'The service is restarting and this call has to end now. In one short sentence, tell the ' +
  'visitor so, invite them to call again in a moment, and say goodbye.';
/** The longest the goodbye may take before the call ends anyway. */
const GOODBYE_MAX_MS = 10_000;

let channel: JobChannelClient | undefined;
let onNotice: (notice: WorkerNotice) => void = () => undefined;

/** This job process's channel to its worker (nothing outside a CLI worker). */
function jobChannel(): JobChannelClient {
  channel ??= new JobChannelClient((notice) => onNotice(notice));
  return channel;
}

/**
 * Reports a reconnection of the Gemini Live session to the worker's metrics
 * (`voice_agent_gemini_reconnects_total{cause}`), e.g. `go_away`, `deadline`, `error_1011`.
 */
export function reportGeminiReconnect(cause: string): void {
  jobChannel().send({ type: 'gemini-reconnect', cause });
}

export interface SupervisedCall {
  room: Room;
  session: voice.AgentSession;
  config: AgentConfig;
  preConnectFrames: Promise<AudioFrame[]>;
  /** Where the call's turns are kept, and what was restored from it. */
  conversation: { store: ConversationStore; kept: KeptConversation };
}

/**
 * Ties one call (its job process) to its worker: the call's events go to the worker's
 * metrics; when the worker drains, the call goes on until the drain deadline, then says
 * goodbye and ends (`voice-agent.end` = `drain-limit`); when the worker is gone, the agent
 * tells the page (`worker-lost`) and leaves, and the orphan guard ends the process. The
 * stored conversation outlives a lost worker (the job is dispatched again, `resuming`, and
 * the new agent goes on with it); any other end of the call forgets it.
 */
export function superviseJob({
  room,
  session,
  config,
  preConnectFrames,
  conversation,
}: SupervisedCall): void {
  reportCall(jobChannel(), session, config, preConnectFrames);
  if (conversation.kept.restored > 0) {
    jobChannel().send({ type: 'resumed', turns: conversation.kept.restored });
  }
  session.on(voice.AgentSessionEventTypes.Close, () => {
    const kept = conversation.kept;
    const settled = isOrphaned() ? kept.written() : kept.forget();
    void settled.finally(() => conversation.store.close().catch(() => undefined));
  });
  let drainTimer: NodeJS.Timeout | undefined;
  onNotice = (notice) => {
    if (notice.type !== 'drain' || drainTimer) return;
    drainTimer = setTimeout(
      () => void endForDrain(room, session),
      Math.max(0, notice.deadline - Date.now()),
    );
  };
  onWorkerGone(async () => {
    // The next agent of this room reads what this one stored: the last turns first.
    await conversation.kept.written();
    const local = room.localParticipant;
    if (local) await announceEnd(local, 'worker-lost');
    await room.disconnect();
  });
}

async function endForDrain(room: Room, session: voice.AgentSession): Promise<void> {
  try {
    const goodbye = session.generateReply({ instructions: DRAIN_GOODBYE_INSTRUCTIONS });
    await waitUntilTimeout(goodbye.waitForPlayout(), GOODBYE_MAX_MS);
  } catch {
    // the session may already be closing, or the goodbye took too long; the call still ends
  }
  const local = room.localParticipant;
  if (local) await announceEnd(local, 'drain-limit');
  await session.close();
}
