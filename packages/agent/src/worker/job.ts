import { defineAgent, Future, type JobContext, log, voice } from '@livekit/agents';
import { RoomEvent, RpcError, type RpcInvocationData } from '@livekit/rtc-node';
import { conversationStoreOf } from '../conversation/environment.js';
import { keepConversation } from '../conversation/keeper.js';
import { reportJobSettled } from '../framework/idle-process-refill.js';
import { tapJobHops } from '../hops/hop-taps.js';
import {
  audioSubscriptionLimitMs,
  watchAudioSubscription,
} from '../lifecycle/audio-subscription.js';
import { reportGeminiReconnect, superviseJob } from '../lifecycle/job-lifecycle.js';
import { awaitVisitorReturn } from '../lifecycle/visitor-grace.js';
import { PreConnectAudio } from '../preconnect/buffer.js';
import { SESSION_PCM_FORMAT } from '../preconnect/decode.js';
import { afterSpeech } from '../preconnect/greeting.js';
import { prependToSessionInput } from '../preconnect/input.js';
import { DECLARE_TOOLS_METHOD, DeclarationPayloadError } from '../tools/client-tools.js';
import { LiveKitRpcTransport } from '../tools/client-transport.js';
import type { AgentToolSet } from '../tools/tool-set.js';
import { visitorOfParticipant } from '../visitor/visitor.js';
import { agentEnvironment } from './environment.js';
import { ModelStatusAttribute } from './model-status.js';
import { configFor, prewarmConfig } from './prewarmed-config.js';
import { createVoiceAgentSession } from './session.js';

/** Set by the CLI: absolute path of the configuration every job process loads. */
export const CONFIG_PATH_VARIABLE = 'VOICE_AGENT_CONFIG';

/** Answers `voice-agent.declare-tools` (docs/protocol.md, section 2). */
export async function handleDeclaration(
  tools: AgentToolSet,
  data: Pick<RpcInvocationData, 'payload'>,
): Promise<string> {
  let payload: unknown;
  try {
    payload = JSON.parse(data.payload);
  } catch {
    throw new RpcError(RpcError.ErrorCode.APPLICATION_ERROR, 'invalid_payload: not JSON');
  }
  try {
    return JSON.stringify(await tools.declare(payload));
  } catch (error) {
    if (error instanceof DeclarationPayloadError) {
      throw new RpcError(RpcError.ErrorCode.APPLICATION_ERROR, error.message);
    }
    log().error({ error }, 'applying client tools failed');
    throw new RpcError(RpcError.ErrorCode.APPLICATION_ERROR, 'internal_error');
  }
}

/** One room: an AgentSession with the configured tools, and the page's client tools. */
async function entry(ctx: JobContext): Promise<void> {
  const configPath = process.env[CONFIG_PATH_VARIABLE];
  if (!configPath) throw new Error(`${CONFIG_PATH_VARIABLE} is not set (start with the CLI)`);
  const config = await configFor(ctx.proc, configPath);
  // The page sends what the visitor said before we joined as soon as we are ACTIVE; a
  // microphone published without the pre-connect feature sends nothing, so no wait for it.
  const preConnect = new PreConnectAudio();
  preConnect.register(ctx.room);
  await ctx.connect();
  const room = ctx.room;
  preConnect.afterConnect(room);
  const local = room.localParticipant;
  if (!local) throw new Error('connected without a local participant');

  // Who the visitor is: read once, from the attributes the signed token gave them at join
  // (they cannot update them), before the persona and the tools are built.
  const participant = await ctx.waitForParticipant();
  const verifiedVisitor = visitorOfParticipant(participant);

  // The page that declared the tools is the one that runs them.
  let visitor: string | undefined;
  const transport = new LiveKitRpcTransport(local, () => visitor);
  const modelStatus = new ModelStatusAttribute(local);
  const { session, agent, tools, greet } = createVoiceAgentSession(
    config,
    agentEnvironment(),
    transport,
    {
      visitor: verifiedVisitor,
      resilience: {
        onStatus: (status) => modelStatus.publish(status),
        onReconnect: reportGeminiReconnect,
      },
    },
  );
  let declaredBy: string | undefined;
  room.on(RoomEvent.ParticipantDisconnected, (participant) => {
    if (participant.identity === visitor) visitor = undefined;
  });
  // The visitor back from a dropped connection (same identity) runs the tools it declared.
  room.on(RoomEvent.ParticipantConnected, (participant) => {
    if (participant.identity === declaredBy) visitor = declaredBy;
  });
  let visitorEnded = false;
  const grace = awaitVisitorReturn(
    room,
    participant.identity,
    config.reconnectGraceSeconds * 1000,
    (why) => {
      visitorEnded = true;
      if (why === 'gone') {
        log().info('the visitor did not come back within the grace period, ending the session');
      }
      session.shutdown({ drain: false, reason: voice.CloseReason.PARTICIPANT_DISCONNECTED });
    },
  );
  // Registered before the session sets lk.agent.state, which is the page's cue to declare.
  local.registerRpcMethod(DECLARE_TOOLS_METHOD, async (data) => {
    visitor = data.callerIdentity;
    declaredBy = data.callerIdentity;
    return handleDeclaration(tools, data);
  });
  // An agent nobody hears ends the call visibly (the visitor sees it leave), not in silence.
  const limitMs = audioSubscriptionLimitMs();
  const stopAudioWatch = watchAudioSubscription(room, participant.identity, limitMs, () => {
    log().error(
      { limitMs },
      "nobody subscribed to the agent's audio: the greeting and every answer would go unheard; ending the session",
    );
    session.shutdown({ drain: false, reason: voice.CloseReason.ERROR });
  });
  // A `failed` model status reaches the page before the agent leaves.
  session.on(voice.AgentSessionEventTypes.Close, () => {
    grace.stop();
    stopAudioWatch();
    void modelStatus.settled().then(() => ctx.shutdown('session closed'));
  });
  // A previous agent of this room (its worker died) stored the conversation: go on with it.
  const store = await conversationStoreOf();
  const kept = await keepConversation(store, room.name ?? '', session, agent);
  superviseJob({
    room,
    session,
    config,
    preConnectFrames: preConnect.frames,
    conversation: { store, kept },
  });
  // The greeting goes first; what the visitor said before and during it follows, in order.
  const greeting = new Future();
  prependToSessionInput(
    session,
    greeting.await.then(() => preConnect.frames),
  );
  const tapOutput = tapJobHops(session, room);
  await session.start({
    agent,
    room,
    inputOptions: {
      textEnabled: true,
      // The visitor's grace period (awaitVisitorReturn) tells a hang-up from stepping away.
      closeOnDisconnect: false,
      audioSampleRate: SESSION_PCM_FORMAT.sampleRate,
      audioNumChannels: SESSION_PCM_FORMAT.numChannels,
      participantIdentity: participant.identity,
    },
    outputOptions: { transcriptionEnabled: config.transcription },
  });
  tapOutput?.();
  // The visitor sees the agent now: the worker may boot this process's replacement.
  reportJobSettled();
  // A resumed call is greeted once already: the agent goes on listening.
  await afterSpeech(session, () => (kept.restored > 0 ? Promise.resolve() : greet()))
    .catch((error: unknown) => {
      // A visitor who hangs up before or during the greeting closes the session under it.
      if (!visitorEnded) throw error;
    })
    .finally(() => greeting.resolve());
}

export default defineAgent({
  prewarm: (proc) => prewarmConfig(proc, process.env[CONFIG_PATH_VARIABLE]),
  entry,
});
