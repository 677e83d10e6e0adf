import { setTimeout as delay } from 'node:timers/promises';
import {
  type AddTrackRequest,
  DisconnectReason,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantInfo_State,
  ParticipantUpdate,
  Room as RoomInfo,
  type TrackInfo,
  TrackPublishedResponse,
  TrackSubscribed,
  TrackUnpublishedResponse,
} from '@livekit/protocol';
import type { RTCDataChannel } from 'werift';
import type { Downtrack, PublishedSection } from '../rtc/peer.js';
import { trace } from '../server/log.js';
import { tapHops } from './hop-tap.js';
import { newId } from './ids.js';
import type { Participant } from './participant.js';
import { acceptedTrack, whenConnected } from './publish.js';
import { PublishedTrack } from './published-track.js';

/** How long a client gets to read its final leave before the server closes the socket. */
const LEAVE_GRACE_MS = 2_000;

/** A room: its participants, who publishes what, and who receives it. */
export class Room {
  readonly sid = newId('RM_');
  readonly createdAt = Date.now();
  readonly participants = new Map<string, Participant>();

  constructor(
    readonly name: string,
    private readonly hooks: {
      onDataChannel(room: Room, participant: Participant, channel: RTCDataChannel): void;
      onEmpty(room: Room): void;
    },
  ) {}

  info(): RoomInfo {
    return new RoomInfo({
      sid: this.sid,
      name: this.name,
      creationTime: BigInt(Math.floor(this.createdAt / 1000)),
      creationTimeMs: BigInt(this.createdAt),
      numParticipants: this.participants.size,
    });
  }

  /** Handlers for a participant's peer connection, bound to this room. */
  peerHandlers() {
    return {
      onPublishedSection: (participant: Participant, section: PublishedSection) =>
        this.attachSection(participant, section),
      onUnpublishedSection: (participant: Participant, mid: string) => {
        const track = [...participant.tracks.values()].find((t) => t.info.mid === mid);
        if (track) this.unpublish(participant, track.info.sid);
      },
      onDataChannel: (participant: Participant, channel: RTCDataChannel) =>
        this.hooks.onDataChannel(this, participant, channel),
      onDowntracks: (participant: Participant, downtracks: Downtrack[]) =>
        this.connectDowntracks(participant, downtracks),
    };
  }

  others(participant: Participant): Participant[] {
    return [...this.participants.values()].filter((other) => other !== participant);
  }

  /** Tells everyone (the participant itself included) about a participant's new state. */
  broadcast(participant: Participant): void {
    participant.touch();
    const update = new ParticipantUpdate({ participants: [participant.info()] });
    for (const member of this.participants.values()) {
      if (member === participant || !participant.grant.hidden) {
        member.send({ case: 'update', value: update });
      }
    }
  }

  /** Adds a participant; the caller has already sent its JoinResponse. */
  add(participant: Participant): void {
    this.participants.set(participant.sid, participant);
    this.broadcast(participant);
    for (const other of this.others(participant)) {
      for (const track of other.tracks.values()) this.subscribe(participant, other, track);
    }
    this.activateWhenConnected(participant);
  }

  /** JOINED → ACTIVE once its peer connection is up, told to everyone, as LiveKit does. */
  private activateWhenConnected(participant: Participant): void {
    whenConnected(participant, () => {
      if (participant.state !== ParticipantInfo_State.JOINED) return;
      if (!this.participants.has(participant.sid)) return;
      participant.state = ParticipantInfo_State.ACTIVE;
      trace('%s is active', participant.identity);
      this.broadcast(participant);
    });
  }

  /** AddTrackRequest: audio is accepted (when the grant allows publishing); video is refused. */
  addTrack(participant: Participant, request: AddTrackRequest): void {
    const info = acceptedTrack(participant, request);
    if (!info) return;
    const track = new PublishedTrack(info, request.cid);
    // The client offers its new send section once it has the response.
    participant.offerTurns.request({
      ask: () => {
        if (!this.participants.has(participant.sid)) return false;
        trace('%s publishes %s %j', participant.identity, info.sid, info.audioFeatures);
        participant.tracks.set(info.sid, track);
        participant.send({
          case: 'trackPublished',
          value: new TrackPublishedResponse({ cid: request.cid, track: info }),
        });
        this.broadcast(participant);
        for (const other of this.others(participant)) this.subscribe(other, participant, track);
        return true;
      },
      given: () => track.attached || !participant.tracks.has(info.sid),
    });
  }

  /** Matches a new send section to its AddTrackRequest by the msid track id (the cid). */
  private attachSection(participant: Participant, section: PublishedSection): void {
    const waiting = [...participant.tracks.values()].filter((track) => !track.attached);
    const track = waiting.find((t) => t.cid === section.msidTrackId) ?? waiting[0];
    if (!track) return;
    track.attach(section);
    tapHops(this.name, participant.identity, section);
  }

  /** Asks the subscriber's client for a receive section for the track (auto-subscription). */
  private subscribe(
    subscriber: Participant,
    publisher: Participant,
    track: PublishedTrack,
    explicit = false,
  ): void {
    if (!subscriber.grant.canSubscribe || !(subscriber.autoSubscribe || explicit)) return;
    // Once per track: a publisher asked again for its offer is told of the same track again,
    // and a second section would take the track's packets from the one the client listens on.
    if (subscriber.receives(track.info.sid)) return;
    subscriber.receive({ trackSid: track.info.sid, streamId: publisher.sid });
  }

  /** After a subscriber's answer: start forwarding and tell the publisher it has a subscriber. */
  connectDowntracks(subscriber: Participant, downtracks: Downtrack[]): void {
    for (const downtrack of downtracks) {
      const publisher = this.participants.get(downtrack.streamId);
      const track = publisher?.tracks.get(downtrack.trackSid);
      if (!publisher || !track) continue;
      track.subscribers.set(subscriber.sid, downtrack.transceiver.sender);
      trace(
        '%s receives %s on mid %s',
        subscriber.identity,
        track.info.sid,
        downtrack.transceiver.mid,
      );
      publisher.send({
        case: 'trackSubscribed',
        value: new TrackSubscribed({ trackSid: downtrack.trackSid }),
      });
    }
  }

  /** UpdateSubscription: subscribe to or drop remote tracks by sid. */
  updateSubscription(subscriber: Participant, trackSids: string[], subscribe: boolean): void {
    for (const trackSid of trackSids) {
      const publisher = this.others(subscriber).find((p) => p.tracks.has(trackSid));
      const track = publisher?.tracks.get(trackSid);
      if (!publisher || !track) continue;
      if (subscribe) this.subscribe(subscriber, publisher, track, true);
      if (!subscribe) {
        subscriber.stopReceiving(trackSid);
        track.subscribers.delete(subscriber.sid);
      }
    }
  }

  /** Mute or UpdateLocalAudioTrack: a published track's info changed; everyone is told. */
  updateTrack(participant: Participant, trackSid: string, change: (info: TrackInfo) => void): void {
    const track = participant.tracks.get(trackSid);
    if (!track) return;
    change(track.info);
    this.broadcast(participant);
  }

  /** Removes a published track (its send section went away) and stops its subscribers. */
  unpublish(participant: Participant, trackSid: string): void {
    const track = participant.tracks.get(trackSid);
    if (!track) return;
    track.stop();
    participant.tracks.delete(trackSid);
    for (const other of this.others(participant)) other.stopReceiving(trackSid);
    participant.send({
      case: 'trackUnpublished',
      value: new TrackUnpublishedResponse({ trackSid }),
    });
    this.broadcast(participant);
  }

  /** Takes a participant out of the room; the others see it leave with `reason`. */
  async remove(participant: Participant, reason: DisconnectReason): Promise<void> {
    if (!this.participants.delete(participant.sid)) return;
    for (const track of participant.tracks.values()) {
      track.stop();
      for (const other of this.participants.values()) other.stopReceiving(track.info.sid);
    }
    for (const other of this.participants.values()) {
      for (const track of other.tracks.values()) track.subscribers.delete(participant.sid);
    }
    participant.state = ParticipantInfo_State.DISCONNECTED;
    participant.disconnectReason = reason;
    participant.touch();
    const update = new ParticipantUpdate({ participants: [participant.info()] });
    for (const other of this.participants.values()) other.send({ case: 'update', value: update });
    await participant.closePeers().catch(() => undefined);
    // A replaced participant is rejoining at once: its room lives on.
    const replaced = reason === DisconnectReason.DUPLICATE_IDENTITY;
    if (!replaced && ![...this.participants.values()].some((p) => !p.isAgent)) {
      this.hooks.onEmpty(this);
    }
  }

  /**
   * Ends the room: everyone left gets a final leave (ROOM_DELETED) and is removed. Resolves
   * once they have closed their sockets (or were made to, after a grace period).
   */
  async end(): Promise<void> {
    const leave = new LeaveRequest({
      canReconnect: false,
      reason: DisconnectReason.ROOM_DELETED,
      action: LeaveRequest_Action.DISCONNECT,
    });
    const leaving = [...this.participants.values()];
    for (const participant of leaving) {
      participant.send({ case: 'leave', value: leave });
      await this.remove(participant, DisconnectReason.ROOM_DELETED);
    }
    await Promise.race([
      Promise.all(leaving.map((participant) => participant.signal.closed)),
      delay(LEAVE_GRACE_MS, undefined, { ref: false }),
    ]);
    for (const participant of leaving) participant.signal.close();
  }
}
