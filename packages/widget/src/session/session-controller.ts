import {
  AGENT_STATE_ATTRIBUTE,
  DECLARE_TOOLS_METHOD,
  type DeclareToolsResponse,
  MODEL_STATUS,
  MODEL_STATUS_ATTRIBUTE,
  TOOL_CALL_METHOD,
  TOPICS,
} from '@voice-agent/protocol';
import type { ReactiveController } from 'lit';
import {
  DisconnectReason,
  type Participant,
  ParticipantKind,
  type RemoteAudioTrack,
  type RemoteParticipant,
  type RemoteTrack,
  Room,
  RoomEvent,
  RpcError,
  type RpcInvocationData,
  Track,
} from 'livekit-client';
import { VoiceAgentError } from '../errors/errors.js';
import {
  VoiceAgentConnectedEvent,
  type VoiceAgentEndedDetail,
  VoiceAgentEndedEvent,
  VoiceAgentErrorEvent,
  VoiceAgentStateEvent,
  VoiceAgentToolCallEvent,
  VoiceAgentToolsEvent,
  VoiceAgentTranscriptEvent,
} from '../events/events.js';
import {
  type AgentStatus,
  isActive,
  nextState,
  type SessionEvent,
  type VoiceAgentState,
} from '../state/state.js';
import { fetchConnectionDetails, TOKEN_CREDENTIALS } from '../token/token.js';
import { speakerOf, TranscriptLog, TranscriptStream } from '../transcript/transcript.js';
import { LevelMeter } from './levels.js';
import { connectionError, microphoneError } from './session-errors.js';
import type { SessionHost } from './session-host.js';

/** Reconnect delays; after ~15 s of trying the call fails with `connection_lost` and a retry button. */
const RECONNECT_DELAYS_MS = [0, 300, 1200, 2700, 4800, 6000];

/** How to start a call. */
export interface StartOptions {
  /** Publish the microphone muted. */
  muted: boolean;
  /** Created and resumed inside the visitor's click, so playback is unlocked (iOS Safari). */
  audioContext?: AudioContext | undefined;
}

/**
 * One call at a time: the token fetch, the LiveKit room, the agent's state, captions, the
 * client-tool RPCs, mute and end. Lives in the lazily loaded chunk with livekit-client.
 */
export class SessionController implements ReactiveController {
  state: VoiceAgentState = 'idle';
  muted = false;
  reconnecting = false;
  /** The last failure, shown until the next start. */
  error: VoiceAgentError | undefined;
  /** Set when the call ended because the agent left. */
  endedBy: VoiceAgentEndedDetail['reason'] | undefined;
  readonly transcript = new TranscriptLog();

  readonly #host: SessionHost;
  readonly #levels: LevelMeter;
  #room: Room | undefined;
  #agent: RemoteParticipant | undefined;
  #agentTimer: ReturnType<typeof setTimeout> | undefined;
  #stopWatchingTools: (() => void) | undefined;
  #chatCount = 0;
  #audioContext: AudioContext | undefined;

  constructor(host: SessionHost) {
    this.#host = host;
    this.#levels = new LevelMeter((agent, microphone) => host.showLevels(agent, microphone));
    host.addController(this);
  }

  hostDisconnected(): void {
    if (isActive(this.state)) void this.end();
  }

  /** Starts a call; does nothing while one is under way. */
  async start(options: StartOptions): Promise<void> {
    if (isActive(this.state)) return;
    this.error = undefined;
    this.endedBy = undefined;
    this.reconnecting = false;
    this.muted = options.muted;
    this.transcript.clear();
    this.#audioContext = options.audioContext;
    this.#transition({ type: 'start' });
    if (!this.#host.tokenUrl) {
      this.#fail(new VoiceAgentError('invalid_config', 'Set token-url to your token service.'));
      return;
    }
    if (!TOKEN_CREDENTIALS.includes(this.#host.tokenCredentials)) {
      const value = JSON.stringify(this.#host.tokenCredentials);
      const expected = TOKEN_CREDENTIALS.join(', ');
      this.#fail(
        new VoiceAgentError(
          'invalid_config',
          `token-credentials ${value} is not one of ${expected}.`,
        ),
      );
      return;
    }

    const room = new Room({
      audioCaptureDefaults: {
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
      },
      webAudioMix: options.audioContext ? { audioContext: options.audioContext } : false,
      // Records the microphone from the click until the agent subscribes, and sends it to the
      // agent (docs/protocol.md). livekit-client 2.23 reads this flag from the publish
      // defaults, not from setMicrophoneEnabled's publish options.
      publishDefaults: { preConnectBuffer: true },
      reconnectPolicy: {
        nextRetryDelayInMs: ({ retryCount }) => RECONNECT_DELAYS_MS[retryCount] ?? null,
      },
    });
    this.#room = room;
    // Before connecting, so no tool call can arrive before its handler (protocol step 1).
    room.registerRpcMethod(TOOL_CALL_METHOD, (data) => this.#onToolCall(data));
    room.registerTextStreamHandler(TOPICS.transcription, (reader, { identity }) => {
      const role = speakerOf({
        senderIdentity: identity,
        attributes: reader.info.attributes,
        localIdentity: room.localParticipant.identity,
        localTrackSids: [...room.localParticipant.trackPublications.keys()],
      });
      void this.#readCaption(room, reader, role);
    });
    this.#listen(room);

    try {
      const details = await fetchConnectionDetails({
        tokenUrl: this.#host.tokenUrl,
        agentName: this.#host.agentName || undefined,
        participantName: this.#host.participantName || undefined,
        credentials: this.#host.tokenCredentials,
        headers: this.#host.tokenHeaders,
      });
      if (room !== this.#room) return;
      const microphone = options.muted
        ? Promise.resolve()
        : room.localParticipant
            // The pre-connect buffer (publishDefaults) keeps what the visitor says before
            // the agent is there.
            .setMicrophoneEnabled(true, undefined, { preConnectBuffer: true })
            .then(
              () => this.#watchMicrophone(room),
              (cause: unknown) => Promise.reject(microphoneError(cause)),
            );
      await Promise.all([
        microphone,
        room.connect(details.serverUrl, details.participantToken).catch((cause: unknown) => {
          throw connectionError(cause);
        }),
      ]);
      if (room !== this.#room) return;
      await room.startAudio().catch(() => undefined);
      this.#host.dispatchEvent(new VoiceAgentConnectedEvent({}));
      this.#agentTimer = setTimeout(() => this.#agentMissing(room), this.#host.agentTimeout);
      for (const participant of room.remoteParticipants.values()) this.#onParticipant(participant);
    } catch (cause) {
      if (room === this.#room) this.#fail(connectionError(cause));
    }
  }

  /** Hangs up. */
  async end(reason: VoiceAgentEndedDetail['reason'] = 'user'): Promise<void> {
    const room = this.#room;
    this.#teardown();
    if (room) await room.disconnect();
    if (this.state === 'idle' || this.state === 'error' || this.state === 'ended') return;
    this.endedBy = reason;
    this.#transition({ type: 'end' });
    this.#host.dispatchEvent(new VoiceAgentEndedEvent({ reason }));
  }

  /** Mutes or unmutes the microphone (publishing it the first time if the call started muted). */
  async setMuted(muted: boolean): Promise<void> {
    this.muted = muted;
    this.#host.requestUpdate();
    const room = this.#room;
    if (!room || !isActive(this.state)) return;
    try {
      await room.localParticipant.setMicrophoneEnabled(!muted);
      if (!muted) this.#watchMicrophone(room);
    } catch (cause) {
      this.#fail(microphoneError(cause));
    }
  }

  /** Sends typed text to the agent on `lk.chat`, and shows it as the visitor's caption. */
  async sendText(text: string): Promise<void> {
    const room = this.#room;
    if (!room || !this.#agent || !isActive(this.state)) {
      throw new VoiceAgentError('not_connected', 'Start a call before sending text.');
    }
    await room.localParticipant.sendText(text, { topic: TOPICS.chat });
    this.#caption({ segmentId: `chat-${++this.#chatCount}`, role: 'user', text, final: true });
  }

  #listen(room: Room): void {
    room
      .on(RoomEvent.ParticipantConnected, (participant) => this.#onParticipant(participant))
      .on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => {
        if (participant !== room.localParticipant) {
          this.#onParticipant(participant as RemoteParticipant);
        }
      })
      .on(RoomEvent.ParticipantDisconnected, (participant) => {
        if (participant !== this.#agent) return;
        // An agent that gave up on its model says so before it leaves.
        if (this.#agentStatus().model === MODEL_STATUS.failed) this.#modelFailed();
        else void this.end('agent_left');
      })
      .on(RoomEvent.TrackSubscribed, (track, _publication, participant) =>
        this.#onTrack(track, participant),
      )
      .on(RoomEvent.Reconnecting, () => this.#onReconnecting())
      .on(RoomEvent.SignalReconnecting, () => this.#onReconnecting())
      .on(RoomEvent.Reconnected, () => {
        this.reconnecting = false;
        this.#transition({ type: 'agent', ...this.#agentStatus() });
      })
      .on(RoomEvent.Disconnected, (reason) => {
        if (room !== this.#room) return;
        if (reason === DisconnectReason.CLIENT_INITIATED) return;
        this.#fail(
          new VoiceAgentError('connection_lost', `Disconnected (${reason ?? 'unknown'}).`),
        );
      });
  }

  #onReconnecting(): void {
    this.reconnecting = true;
    this.#transition({ type: 'connection-lost' });
  }

  #onParticipant(participant: Participant): void {
    if (participant.kind !== ParticipantKind.AGENT) return;
    this.#agent = participant as RemoteParticipant;
    const status = this.#agentStatus();
    if (status.model === MODEL_STATUS.failed) {
      this.#modelFailed();
      return;
    }
    if (status.state !== undefined && !this.#stopWatchingTools) this.#agentReady();
    if (!this.reconnecting) this.#transition({ type: 'agent', ...status });
  }

  #modelFailed(): void {
    this.#fail(
      new VoiceAgentError(
        'model_unavailable',
        'The agent lost its model and could not restore it.',
      ),
    );
  }

  /** The agent has its session: stop the join timer and declare the page's tools. */
  #agentReady(): void {
    clearTimeout(this.#agentTimer);
    this.#stopWatchingTools?.();
    this.#stopWatchingTools = this.#host.tools.onChange(() => void this.#declareTools());
    void this.#declareTools();
  }

  async #declareTools(): Promise<void> {
    const room = this.#room;
    const agent = this.#agent;
    if (!room || !agent) return;
    try {
      const response = await room.localParticipant.performRpc({
        destinationIdentity: agent.identity,
        method: DECLARE_TOOLS_METHOD,
        payload: this.#host.tools.declarationPayload(),
      });
      const { accepted = [], rejected = [] } = JSON.parse(
        response,
      ) as Partial<DeclareToolsResponse>;
      for (const { name, code, message } of rejected) {
        console.warn(`<voice-agent>: the agent rejected tool ${name} (${code}): ${message}`);
      }
      this.#host.dispatchEvent(new VoiceAgentToolsEvent({ accepted, rejected }));
    } catch (error) {
      console.warn('<voice-agent>: the agent did not take the page tools:', error);
    }
  }

  async #onToolCall(data: RpcInvocationData): Promise<string> {
    const outcome = await this.#host.tools.call(data.payload);
    if (outcome.ok) {
      const { name, arguments: args, result } = outcome;
      this.#host.dispatchEvent(new VoiceAgentToolCallEvent({ name, arguments: args, result }));
      return outcome.response;
    }
    const { name, arguments: args, code, message } = outcome;
    this.#host.dispatchEvent(
      new VoiceAgentToolCallEvent({ name, arguments: args, error: { code, message } }),
    );
    throw new RpcError(code, message);
  }

  #onTrack(track: RemoteTrack, participant: RemoteParticipant): void {
    if (track.kind !== Track.Kind.Audio || participant.kind !== ParticipantKind.AGENT) return;
    this.#host.audioContainer?.append(track.attach());
    this.#levels.watchAgent(track as RemoteAudioTrack);
  }

  #watchMicrophone(room: Room): void {
    const track = room.localParticipant.getTrackPublication(Track.Source.Microphone)?.audioTrack;
    if (track) this.#levels.watchMicrophone(track);
  }

  async #readCaption(
    room: Room,
    reader: Parameters<Parameters<Room['registerTextStreamHandler']>[1]>[0],
    role: 'user' | 'agent',
  ): Promise<void> {
    const stream = new TranscriptStream({
      streamId: reader.info.id,
      role,
      attributes: reader.info.attributes,
    });
    try {
      for await (const chunk of reader) {
        if (room !== this.#room) return;
        this.#caption(stream.push(chunk));
      }
    } catch {
      // The stream broke off (the call ended mid-caption, or the agent left): what arrived stays.
    }
    if (room === this.#room) this.#caption(stream.end());
  }

  #caption(segment: Parameters<TranscriptLog['update']>[0]): void {
    this.#host.dispatchEvent(new VoiceAgentTranscriptEvent(this.transcript.update(segment)));
    this.#host.requestUpdate();
  }

  #agentStatus(): AgentStatus {
    const attributes = this.#agent?.attributes ?? {};
    return { state: attributes[AGENT_STATE_ATTRIBUTE], model: attributes[MODEL_STATUS_ATTRIBUTE] };
  }

  #agentMissing(room: Room): void {
    if (room !== this.#room || this.#agentStatus().state !== undefined) return;
    const seconds = Math.round(this.#host.agentTimeout / 1000);
    this.#fail(new VoiceAgentError('agent_timeout', `No agent joined within ${seconds} s.`));
  }

  #fail(error: VoiceAgentError): void {
    const room = this.#room;
    this.#teardown();
    void room?.disconnect();
    this.error = error;
    this.reconnecting = false;
    this.#transition({ type: 'fail' });
    this.#host.dispatchEvent(
      new VoiceAgentErrorEvent({
        code: error.code,
        message: error.message,
        ...(error.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: error.retryAfterSeconds }),
      }),
    );
    this.#host.dispatchEvent(new VoiceAgentEndedEvent({ reason: 'error' }));
  }

  #teardown(): void {
    clearTimeout(this.#agentTimer);
    this.#stopWatchingTools?.();
    this.#stopWatchingTools = undefined;
    this.#levels.stop();
    this.#room = undefined;
    this.#agent = undefined;
    void this.#audioContext?.close().catch(() => undefined);
    this.#audioContext = undefined;
    for (const audio of this.#host.audioContainer?.querySelectorAll('audio') ?? []) audio.remove();
  }

  #transition(event: SessionEvent): void {
    const state = nextState(this.state, event);
    this.#host.requestUpdate();
    if (state === this.state) return;
    this.state = state;
    this.#host.dispatchEvent(new VoiceAgentStateEvent({ state }));
  }
}
