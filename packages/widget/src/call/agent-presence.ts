import {
  AGENT_STATE_ATTRIBUTE,
  END_ATTRIBUTE,
  END_REASON,
  MODEL_STATUS,
  MODEL_STATUS_ATTRIBUTE,
} from '@voice-agent/protocol';
import {
  ConnectionState,
  type Participant,
  ParticipantKind,
  type RemoteParticipant,
  type Room,
  RoomEvent,
} from 'livekit-client';
import type { AgentStatus } from '../state/state.js';

/** Agent states in which a new agent has taken the call over. */
const TAKEN_OVER = new Set(['listening', 'thinking', 'speaking']);

/** What the call hears from {@link AgentPresence}. */
export interface AgentPresenceHandlers {
  /** The agent's attributes changed (or it arrived). */
  onStatus(status: AgentStatus): void;
  /** An agent has its session (`lk.agent.state` is set): once per agent. */
  onReady(agent: RemoteParticipant): void;
  /** The agent gave up on its model (`voice-agent.model` = `failed`), before or as it left. */
  onModelFailed(): void;
  /**
   * The agent's worker died (`voice-agent.end` = `worker-lost`): a new agent is expected to
   * take the call over; `onReady` follows when it has, `onMissing` when none came in time.
   */
  onLost(): void;
  /** The agent ended the call because its worker is shutting down (`drain-limit`). */
  onDrained(): void;
  /** The agent left the room without a reason the widget knows. */
  onLeft(): void;
  /** No agent with a state within the timeout (first join, or after `onLost`). */
  onMissing(): void;
}

/**
 * The room's agent participant (`kind` AGENT): its arrival, its attributes (`lk.agent.state`,
 * `voice-agent.model`, `voice-agent.end`), its departure, and a timeout for it to show up,
 * at the start and again when its worker was lost and a new agent is to take over. Listens
 * until `signal` aborts.
 */
export class AgentPresence {
  #agent: RemoteParticipant | undefined;
  #ready = false;
  /** The agent's worker was lost: waiting for the next agent. */
  #returning = false;
  /** The lost agent's sid: livekit-client may reuse its object for a successor of the same identity. */
  #lostSid: string | undefined;
  #timeoutMs = 0;
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
      .on(RoomEvent.ParticipantDisconnected, (participant) => this.#left(participant));
  }

  /** The agent, once it has joined. */
  get agent(): RemoteParticipant | undefined {
    return this.#agent;
  }

  /** Whether a new agent is expected to take the call over (its state: `reconnecting`). */
  get returning(): boolean {
    return this.#returning;
  }

  /** What the agent's attributes say now. */
  status(): AgentStatus {
    const attributes = this.#agent?.attributes ?? {};
    return { state: attributes[AGENT_STATE_ATTRIBUTE], model: attributes[MODEL_STATUS_ATTRIBUTE] };
  }

  /** Once connected: looks at who is there, and gives the agent `timeoutMs` to be ready. */
  watch(timeoutMs: number): void {
    this.#timeoutMs = timeoutMs;
    this.#startTimer();
    for (const participant of this.#room.remoteParticipants.values()) this.#update(participant);
  }

  #startTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (!this.#signal.aborted && !this.#ready) this.#handlers.onMissing();
    }, this.#timeoutMs);
  }

  #update(participant: Participant): void {
    if (this.#signal.aborted || participant.kind !== ParticipantKind.AGENT) return;
    // The lost agent's last words (its end attribute) after its successor joined: moot.
    if (this.#returning && participant.sid === this.#lostSid) return;
    this.#agent = participant as RemoteParticipant;
    const status = this.status();
    if (status.model === MODEL_STATUS.failed) {
      this.#handlers.onModelFailed();
      return;
    }
    if (participant.attributes[END_ATTRIBUTE] === END_REASON.workerLost) {
      this.#lost();
      return;
    }
    if (status.state !== undefined && !this.#ready) {
      this.#ready = true;
      clearTimeout(this.#timer);
      this.#handlers.onReady(this.#agent);
    }
    if (this.#returning) {
      // A new agent still starting keeps the widget `reconnecting`.
      if (!TAKEN_OVER.has(status.state ?? '')) return;
      this.#returning = false;
    }
    this.#handlers.onStatus(status);
  }

  #lost(): void {
    if (this.#returning) return;
    this.#returning = true;
    this.#lostSid = this.#agent?.sid;
    this.#ready = false;
    this.#startTimer();
    this.#handlers.onLost();
  }

  #left(participant: Participant): void {
    if (this.#signal.aborted || participant !== this.#agent) return;
    // livekit-client's full rejoin unwinds every remote participant, then says it is
    // reconnecting: the agent is still in the room and comes back with the room.
    queueMicrotask(() => {
      if (this.#room.state !== ConnectionState.Reconnecting) this.#departed(participant);
    });
  }

  #departed(participant: Participant): void {
    if (this.#signal.aborted) return;
    if (this.#returning) {
      if (participant.sid === this.#lostSid) this.#agent = undefined;
      return;
    }
    const attributes = participant.attributes;
    if (attributes[MODEL_STATUS_ATTRIBUTE] === MODEL_STATUS.failed) this.#handlers.onModelFailed();
    else if (attributes[END_ATTRIBUTE] === END_REASON.workerLost) this.#lost();
    else if (attributes[END_ATTRIBUTE] === END_REASON.drainLimit) this.#handlers.onDrained();
    else this.#handlers.onLeft();
  }
}
