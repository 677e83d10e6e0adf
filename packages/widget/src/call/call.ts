import { TOPICS } from '@voice-agent/protocol';
import type { ReactiveController } from 'lit';
import {
  DisconnectReason,
  ParticipantKind,
  type RemoteAudioTrack,
  type Room,
  RoomEvent,
  Track,
} from 'livekit-client';
import { VoiceAgentError } from '../errors/errors.js';
import { VoiceAgentConnectedEvent } from '../events/connected.js';
import type { VoiceAgentEndedDetail } from '../events/ended.js';
import { isActive } from '../state/state.js';
import { AgentPresence } from './agent-presence.js';
import { configError, connectionError, microphoneError } from './call-errors.js';
import type { CallHost } from './call-host.js';
import { readCaptions } from './caption-reader.js';
import { requestConnectionDetails } from './connection-details.js';
import { departed, stepAway } from './handover.js';
import { LevelMeter } from './levels.js';
import { createRoom, joinRoom } from './room-connection.js';
import { ToolBridge } from './tool-bridge.js';

/** How to start a call. */
export interface StartOptions {
  /** Publish the microphone muted. */
  muted: boolean;
  /** Created and resumed inside the visitor's click, so playback is unlocked (iOS Safari). */
  audioContext?: AudioContext | undefined;
  /** Rejoin an earlier page's call (`persist`); a refused ticket starts a new call instead. */
  resumeTicket?: string | undefined;
}

/** One call's parts, alive until its run is aborted. */
interface Run {
  abort: AbortController;
  room: Room;
  agent: AgentPresence;
  tools: ToolBridge;
  audioContext: AudioContext | undefined;
}

/**
 * One call at a time, in the lazily loaded chunk with livekit-client: the token, the room
 * connection, and its parts (agent presence, tool bridge, caption reader, levels). Each call
 * is one run with an AbortController: ending or failing aborts it, which cancels the token
 * request and silences everything the run started (as `@lit/task` does with its call id).
 * What the element renders lives in the loader's `CallState` (`host.call`).
 */
export class Call implements ReactiveController {
  muted = false;
  readonly #host: CallHost;
  readonly #levels: LevelMeter;
  #run: Run | undefined;
  #chatCount = 0;

  constructor(host: CallHost) {
    this.#host = host;
    this.#levels = new LevelMeter((agent, microphone) => {
      // Through the CSSOM: no re-render 30 times a second.
      host.visualizer?.style.setProperty('--agent-level', agent.toFixed(3));
      host.visualizer?.style.setProperty('--mic-level', microphone.toFixed(3));
    });
    host.addController(this);
  }

  hostDisconnected(): void {
    if (!this.#run) return;
    // A move within the page (out and back in within one task) keeps the call.
    queueMicrotask(() => {
      if (!this.#run || this.#host.isConnected) return;
      if (this.#host.persistence.holdsCall) this.#stepAway();
      else void this.end();
    });
  }

  /** Starts a call; does nothing while one is under way. */
  async start(options: StartOptions): Promise<void> {
    const state = this.#host.call;
    if (this.#run) return;
    this.muted = options.muted;
    state.begin({ resuming: options.resumeTicket !== undefined });
    const config = configError(this.#host);
    if (config) {
      void options.audioContext?.close().catch(() => undefined);
      state.fail(config);
      return;
    }
    const abort = new AbortController();
    const { signal } = abort;
    const room = createRoom(options.audioContext, { persist: this.#host.persist });
    const run: Run = {
      abort,
      room,
      audioContext: options.audioContext,
      // Before connecting, so no tool call can arrive before its handler (protocol step 1).
      tools: new ToolBridge(room, this.#host.tools, this.#host),
      agent: new AgentPresence(room, signal, {
        onStatus: (status) => {
          if (!state.connectionLost) state.apply({ type: 'agent', ...status });
        },
        onReady: (agent) => run.tools.declareTo(agent.identity),
        onModelFailed: () =>
          this.#fail(
            new VoiceAgentError(
              'model_unavailable',
              'The agent lost its model and could not restore it.',
            ),
          ),
        onLost: () => {
          if (!state.connectionLost) state.apply({ type: 'agent-lost' });
        },
        onDrained: () =>
          this.#fail(
            new VoiceAgentError(
              'service_restarting',
              'The assistant is restarting and ended the call; call again in a moment.',
            ),
          ),
        onLeft: () => void this.end('agent_left'),
        onMissing: () => {
          const seconds = Math.round(this.#host.agentTimeout / 1000);
          this.#fail(
            run.agent.returning
              ? new VoiceAgentError(
                  'agent_lost',
                  `The assistant's server stopped and no other took the call over within ${seconds} s.`,
                )
              : new VoiceAgentError('agent_timeout', `No agent joined within ${seconds} s.`),
          );
        },
      }),
    };
    this.#run = run;
    readCaptions(room, signal, (segment) => state.caption(segment));
    this.#listen(room, signal);

    try {
      // An element this one replaces (`persist`) leaves the call first.
      if (options.resumeTicket) await departed();
      const details = await requestConnectionDetails(this.#host, options.resumeTicket, signal);
      if (signal.aborted) return;
      await joinRoom(room, details, { muted: options.muted });
      if (signal.aborted) return;
      if (details.resumeTicket) this.#host.persistence.keep(details.resumeTicket);
      if (!options.muted) this.#watchMicrophone(room);
      await room.startAudio().catch(() => undefined);
      this.#host.dispatchEvent(new VoiceAgentConnectedEvent({}));
      run.agent.watch(this.#host.agentTimeout);
    } catch (cause) {
      if (!signal.aborted) this.#fail(connectionError(cause));
    }
  }

  /** Hangs up. */
  async end(reason: VoiceAgentEndedDetail['reason'] = 'user'): Promise<void> {
    const room = this.#teardown();
    if (room) await room.disconnect();
    this.#host.call.end(reason);
  }

  /** Mutes or unmutes the microphone (publishing it the first time if the call started muted). */
  async setMuted(muted: boolean): Promise<void> {
    this.muted = muted;
    this.#host.requestUpdate();
    const room = this.#run?.room;
    if (!room || !isActive(this.#host.call.state)) return;
    try {
      await room.localParticipant.setMicrophoneEnabled(!muted);
      if (!muted) this.#watchMicrophone(room);
    } catch (cause) {
      this.#fail(microphoneError(cause));
    }
  }

  /** Sends typed text to the agent on `lk.chat`, and shows it as the visitor's caption. */
  async sendText(text: string): Promise<void> {
    const run = this.#run;
    if (!run?.agent.agent || !isActive(this.#host.call.state)) {
      throw new VoiceAgentError('not_connected', 'Start a call before sending text.');
    }
    await run.room.localParticipant.sendText(text, { topic: TOPICS.chat });
    // Unique across pages: a `persist` call's restored captions hold the earlier pages' ones.
    const segmentId = `chat-${Date.now().toString(36)}-${++this.#chatCount}`;
    const segment = { segmentId, role: 'user' as const, text };
    this.#host.call.caption({ ...segment, final: true });
  }

  /** The visitor's own connection: livekit-client's reconnects, and a final disconnect. */
  #listen(room: Room, signal: AbortSignal): void {
    const state = this.#host.call;
    const lost = () => {
      if (signal.aborted) return;
      state.connectionLost = true;
      state.apply({ type: 'connection-lost' });
    };
    room
      .on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
        if (signal.aborted || track.kind !== Track.Kind.Audio) return;
        if (participant.kind !== ParticipantKind.AGENT) return;
        this.#host.audioContainer?.append(track.attach());
        this.#levels.watchAgent(track as RemoteAudioTrack);
      })
      // A full rejoin subscribes again: the old element goes.
      .on(RoomEvent.TrackUnsubscribed, (track) => {
        for (const element of track.detach()) element.remove();
      })
      .on(RoomEvent.Reconnecting, lost)
      .on(RoomEvent.SignalReconnecting, lost)
      .on(RoomEvent.Reconnected, () => {
        if (signal.aborted) return;
        state.connectionLost = false;
        const agent = this.#run?.agent;
        if (agent?.returning) state.apply({ type: 'agent-lost' });
        else
          state.apply({
            type: 'agent',
            ...(agent?.status() ?? { state: undefined, model: undefined }),
          });
      })
      .on(RoomEvent.Disconnected, (reason) => {
        if (signal.aborted || reason === DisconnectReason.CLIENT_INITIATED) return;
        this.#fail(
          new VoiceAgentError('connection_lost', `Disconnected (${reason ?? 'unknown'}).`),
        );
      });
  }

  #watchMicrophone(room: Room): void {
    const track = room.localParticipant.getTrackPublication(Track.Source.Microphone)?.audioTrack;
    if (track) this.#levels.watchMicrophone(track);
  }

  /** The element left the page with `persist`: the page's next element rejoins the call. */
  #stepAway(): void {
    const agent = this.#run?.agent.agent?.identity;
    const room = this.#teardown();
    if (room) stepAway(room, agent);
    // No `voice-agent-ended`: the call goes on in the next element.
    this.#host.call.apply({ type: 'end' });
  }

  #fail(error: VoiceAgentError): void {
    const room = this.#teardown();
    void room?.disconnect();
    this.#host.call.fail(error);
  }

  /** Aborts the run (token request, listeners, timers) and releases its parts. */
  #teardown(): Room | undefined {
    const run = this.#run;
    this.#run = undefined;
    this.#levels.stop();
    if (!run) return undefined;
    run.abort.abort();
    run.tools.stop();
    void run.audioContext?.close().catch(() => undefined);
    for (const audio of this.#host.audioContainer?.querySelectorAll('audio') ?? []) audio.remove();
    return run.room;
  }
}
