import { AGENT_STATE_ATTRIBUTE, MODEL_STATUS, MODEL_STATUS_ATTRIBUTE } from '@voice-agent/protocol';
import {
  type Participant,
  ParticipantKind,
  type RemoteParticipant,
  type Room,
  RoomEvent,
} from 'livekit-client';
import type { AgentStatus } from '../state/state.js';

/** What the call hears from {@link AgentPresence}. */
export interface AgentPresenceHandlers {
  /** The agent's attributes changed (or it arrived). */
  onStatus(status: AgentStatus): void;
  /** The agent has its session (`lk.agent.state` is set): once per call. */
  onReady(agent: RemoteParticipant): void;
  /** The agent gave up on its model (`voice-agent.model` = `failed`), before or as it left. */
  onModelFailed(): void;
  /** The agent left the room. */
  onLeft(): void;
  /** No agent with a state within the timeout. */
  onMissing(): void;
}

/**
 * The room's agent participant (`kind` AGENT): its arrival, its attributes (`lk.agent.state`
 * and `voice-agent.model`), its departure, and a timeout for it to show up. Listens until
 * `signal` aborts.
 */
export class AgentPresence {
  #agent: RemoteParticipant | undefined;
  #ready = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #room: Room;
  readonly #signal: AbortSignal;
  readonly #handlers: AgentPresenceHandlers;

  /** Listens on `room`; register before connecting. */
  constructor(room: Room, signal: AbortSignal, handlers: AgentPresenceHandlers) {
    this.#room = room;
    this.#signal = signal;
    this.#handlers = handlers;
    signal.addEventListener('abort', () => clearTimeout(this.#timer));
    room
      .on(RoomEvent.ParticipantConnected, (participant) => this.#update(participant))
      .on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => {
        if (participant !== room.localParticipant) this.#update(participant);
      })
      .on(RoomEvent.ParticipantDisconnected, (participant) => {
        if (signal.aborted || participant !== this.#agent) return;
        if (this.status().model === MODEL_STATUS.failed) handlers.onModelFailed();
        else handlers.onLeft();
      });
  }

  /** The agent, once it has joined. */
  get agent(): RemoteParticipant | undefined {
    return this.#agent;
  }

  /** What the agent's attributes say now. */
  status(): AgentStatus {
    const attributes = this.#agent?.attributes ?? {};
    return { state: attributes[AGENT_STATE_ATTRIBUTE], model: attributes[MODEL_STATUS_ATTRIBUTE] };
  }

  /** Once connected: looks at who is there, and gives the agent `timeoutMs` to be ready. */
  watch(timeoutMs: number): void {
    this.#timer = setTimeout(() => {
      if (!this.#signal.aborted && this.status().state === undefined) this.#handlers.onMissing();
    }, timeoutMs);
    for (const participant of this.#room.remoteParticipants.values()) this.#update(participant);
  }

  #update(participant: Participant): void {
    if (this.#signal.aborted || participant.kind !== ParticipantKind.AGENT) return;
    this.#agent = participant as RemoteParticipant;
    const status = this.status();
    if (status.model === MODEL_STATUS.failed) {
      this.#handlers.onModelFailed();
      return;
    }
    if (status.state !== undefined && !this.#ready) {
      this.#ready = true;
      clearTimeout(this.#timer);
      this.#handlers.onReady(this.#agent);
    }
    this.#handlers.onStatus(status);
  }
}
