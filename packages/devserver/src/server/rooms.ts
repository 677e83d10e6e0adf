import { DisconnectReason, LeaveRequest, LeaveRequest_Action } from '@livekit/protocol';
import type { AgentDispatcher } from '../agent/dispatcher.js';
import type { ParticipantGrant } from '../auth/token.js';
import { relayChannel } from '../data/relay.js';
import { Room } from '../room/room.js';
import { DEFAULT_DEPARTURE_TIMEOUT_S } from '../signal/resume.js';

/** Every live room by name; a room exists while a participant is in it. */
export class RoomRegistry {
  readonly rooms = new Map<string, Room>();
  private readonly dispatched = new WeakMap<Room, Set<string>>();

  /** Rooms whose last visitor left, until they end. */
  private readonly emptied = new WeakMap<Room, NodeJS.Timeout>();

  constructor(
    private readonly dispatcher: AgentDispatcher,
    private readonly departureS = DEFAULT_DEPARTURE_TIMEOUT_S,
  ) {}

  /** The room a token names, created on first join. */
  roomFor(name: string): Room {
    let room = this.rooms.get(name);
    if (!room) {
      room = new Room(name, {
        onDataChannel: (r, participant, channel) => relayChannel(r, participant, channel),
        onEmpty: (r) => this.endUnlessRejoined(r),
      });
      this.rooms.set(name, room);
    }
    return room;
  }

  /**
   * As on LiveKit, a room whose last visitor left (agents do not keep it) lives on for the
   * departure timeout, whatever the leave: a visitor who comes back (a reload, a remounted
   * widget) finds the call and its agent still there. A room nobody is left in (its agent
   * left too: the call was hung up) ends at once.
   */
  private endUnlessRejoined(room: Room): void {
    clearTimeout(this.emptied.get(room));
    if (this.departureS === 0 || room.participants.size === 0) {
      void this.endRoom(room);
      return;
    }
    const timer = setTimeout(() => {
      this.emptied.delete(room);
      if (![...room.participants.values()].some((p) => !p.isAgent)) void this.endRoom(room);
    }, this.departureS * 1000);
    timer.unref();
    this.emptied.set(room, timer);
  }

  /** A participant with this identity already in the room is replaced, as LiveKit does. */
  evictDuplicate(room: Room, identity: string): Promise<void> | undefined {
    const existing = [...room.participants.values()].find((p) => p.identity === identity);
    if (!existing) return undefined;
    existing.send({
      case: 'leave',
      value: new LeaveRequest({
        reason: DisconnectReason.DUPLICATE_IDENTITY,
        action: LeaveRequest_Action.DISCONNECT,
      }),
    });
    existing.signal.close();
    return room.remove(existing, DisconnectReason.DUPLICATE_IDENTITY);
  }

  /** Dispatches the agents a joining participant's token asks for, once per room. */
  dispatchFor(room: Room, grant: ParticipantGrant): void {
    const agents = grant.roomConfig?.agents ?? [];
    let done = this.dispatched.get(room);
    if (!done) {
      // A new room: workers registered without an agent name join every room (automatic dispatch).
      done = new Set();
      this.dispatched.set(room, done);
      this.dispatcher.dispatchAutomatic(room);
    }
    for (const agent of agents) {
      if (!agent.agentName || done.has(agent.agentName)) continue;
      done.add(agent.agentName);
      this.dispatcher.dispatch(room, agent.agentName, agent.metadata);
    }
  }

  /** Ends a room: agents get a final leave, workers a termination, and the room is gone. */
  async endRoom(room: Room): Promise<void> {
    if (this.rooms.get(room.name) !== room) return;
    this.rooms.delete(room.name);
    // Agents first get their leave (ROOM_DELETED), then their workers the termination.
    await room.end();
    this.dispatcher.endRoom(room);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.rooms.values()].map((room) => this.endRoom(room)));
  }
}
