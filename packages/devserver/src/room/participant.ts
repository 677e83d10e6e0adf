import {
  DisconnectReason,
  MediaSectionsRequirement,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  SessionDescription,
  type SignalResponse,
} from '@livekit/protocol';
import type { RTCDataChannel } from 'werift';
import { isAgentGrant, type ParticipantGrant } from '../auth/token.js';
import {
  type Downtrack,
  ParticipantPeer,
  type PublishedSection,
  type WantedTrack,
} from '../rtc/peer.js';
import { SubscriberPeer } from '../rtc/subscriber-peer.js';
import { traceTransport } from '../rtc/transport-trace.js';
import { OfferTurns } from '../signal/offer-turns.js';
import { newId } from './ids.js';
import type { PublishedTrack } from './published-track.js';

/** What a signalling transport offers a participant: send one message, or close. */
export interface SignalSink {
  send(message: SignalResponse['message']): void;
  close(): void;
  /** Resolves once the socket is closed, by either side. */
  readonly closed: Promise<void>;
}

/** Packets kept per data channel label while the channel is not open yet. */
const MAX_PENDING_PACKETS = 256;

/** One participant in a room: its grant, its public info, its peer connection and tracks. */
export class Participant {
  readonly sid = newId('PA_');
  readonly joinedAt = Date.now();
  readonly tracks = new Map<string, PublishedTrack>();
  readonly dataChannels = new Map<string, RTCDataChannel>();
  private readonly pendingData = new Map<string, Uint8Array[]>();
  readonly peer: ParticipantPeer;
  /** Asks that make this client offer again, one at a time (see OfferTurns). */
  readonly offerTurns = new OfferTurns(() => this.identity);
  /** Only in the two-connection mode (`/rtc`): the connection the server offers media on. */
  private subscriber: SubscriberPeer | undefined;
  metadata: string;
  name: string;
  attributes: Record<string, string>;
  state = ParticipantInfo_State.JOINED;
  disconnectReason = DisconnectReason.UNKNOWN_REASON;
  clientProtocol = 0;
  /** The last reliable data packet sequence relayed from this participant. */
  lastReliableSequence = 0;
  autoSubscribe = true;
  private version = 1;

  /** Set while the signal connection is gone and the participant waits to resume. */
  departure: NodeJS.Timeout | undefined;
  #signal: SignalSink;

  constructor(
    readonly grant: ParticipantGrant,
    signal: SignalSink,
    private readonly handlers: {
      onPublishedSection(participant: Participant, section: PublishedSection): void;
      onUnpublishedSection(participant: Participant, mid: string): void;
      onDataChannel(participant: Participant, channel: RTCDataChannel): void;
      onDowntracks(participant: Participant, downtracks: Downtrack[]): void;
    },
    /** `/rtc` clients publish on one connection and receive on a server-offered second one. */
    readonly dualPeerConnection = false,
  ) {
    this.#signal = signal;
    this.metadata = grant.metadata;
    this.name = grant.name;
    this.attributes = { ...grant.attributes };
    this.peer = new ParticipantPeer({
      onPublishedSection: (section) => handlers.onPublishedSection(this, section),
      onUnpublishedSection: (mid) => handlers.onUnpublishedSection(this, mid),
      onDataChannel: (channel) => {
        this.addDataChannel(channel);
        handlers.onDataChannel(this, channel);
      },
    });
    traceTransport(this.peer.pc, () => this.identity);
  }

  /** The current signalling connection; a resume replaces it. */
  get signal(): SignalSink {
    return this.#signal;
  }

  /** A resumed signal connection (`reconnect=1`) takes over: the departure is called off. */
  resumeWith(signal: SignalSink): void {
    clearTimeout(this.departure);
    this.departure = undefined;
    this.#signal = signal;
  }

  /** Restarts ICE on the server-offering connection (two-connection mode), if there is one. */
  restartSubscriberIce(): void {
    void this.subscriber?.restartIce().catch(() => undefined);
  }

  get identity(): string {
    return this.grant.identity;
  }

  /** An agent joins with `kind: agent`, or with the `agent` video grant of a job token. */
  get isAgent(): boolean {
    return isAgentGrant(this.grant);
  }

  /** Bumps the version so clients apply the next update (they drop stale versions). */
  touch(): void {
    this.version += 1;
  }

  info(): ParticipantInfo {
    const { grant } = this;
    return new ParticipantInfo({
      sid: this.sid,
      identity: grant.identity,
      name: this.name,
      metadata: this.metadata,
      attributes: this.attributes,
      state: this.state,
      tracks: [...this.tracks.values()].map((track) => track.info),
      joinedAt: BigInt(Math.floor(this.joinedAt / 1000)),
      joinedAtMs: BigInt(this.joinedAt),
      version: this.version,
      kind: this.isAgent ? ParticipantInfo_Kind.AGENT : grant.kind,
      isPublisher: this.tracks.size > 0,
      disconnectReason: this.disconnectReason,
      clientProtocol: this.clientProtocol,
      permission: new ParticipantPermission({
        canPublish: grant.canPublish,
        canSubscribe: grant.canSubscribe,
        canPublishData: grant.canPublishData,
        canUpdateMetadata: grant.canUpdateOwnMetadata,
        hidden: grant.hidden,
        agent: grant.agent,
      }),
    });
  }

  /** Starts receiving a remote track: a new receive section, however this client gets one. */
  receive(track: WantedTrack): void {
    if (this.dualPeerConnection) {
      this.subscriberPeer().want(track);
      return;
    }
    this.peer.want(track);
    // The answer to an offer under way may give it a free receive section.
    this.offerTurns.request({
      ask: () => {
        const numAudios = this.peer.waitingTracks;
        if (numAudios === 0) return false;
        this.send({
          case: 'mediaSectionsRequirement',
          value: new MediaSectionsRequirement({ numAudios }),
        });
        return true;
      },
      given: () => !this.peer.waits(track.trackSid),
    });
  }

  receives(trackSid: string): boolean {
    return this.peer.has(trackSid) || (this.subscriber?.has(trackSid) ?? false);
  }

  stopReceiving(trackSid: string): void {
    this.peer.unwant(trackSid);
    this.subscriber?.unwant(trackSid);
  }

  /** The server-offering connection, created on first use. */
  subscriberPeer(): SubscriberPeer {
    this.subscriber ??= new SubscriberPeer({
      sendOffer: (sdp, id, midToTrackId) =>
        this.send({
          case: 'offer',
          value: new SessionDescription({ type: 'offer', sdp, id, midToTrackId }),
        }),
      onDowntracks: (added) => this.handlers.onDowntracks(this, added),
    });
    return this.subscriber;
  }

  async closePeers(): Promise<void> {
    this.offerTurns.close();
    await Promise.all([this.peer.close(), this.subscriber?.close()]);
  }

  send(message: SignalResponse['message']): void {
    this.signal.send(message);
  }

  /**
   * Sends a data packet on this participant's channel of that label. Packets for a channel
   * that is not open yet (a client that has just joined) wait for it, up to a limit.
   */
  sendData(label: string, bytes: Uint8Array): void {
    const channel = this.dataChannels.get(label);
    if (channel?.readyState === 'open') {
      channel.send(Buffer.from(bytes));
      return;
    }
    const queue = this.pendingData.get(label) ?? [];
    if (queue.length < MAX_PENDING_PACKETS) queue.push(bytes);
    this.pendingData.set(label, queue);
  }

  /** Registers a client-opened data channel and flushes what waited for it. */
  private addDataChannel(channel: RTCDataChannel): void {
    this.dataChannels.set(channel.label, channel);
    const flush = () => {
      const queue = this.pendingData.get(channel.label) ?? [];
      this.pendingData.delete(channel.label);
      for (const bytes of queue) channel.send(Buffer.from(bytes));
    };
    if (channel.readyState === 'open') flush();
    else {
      const { unSubscribe } = channel.stateChange.subscribe((state) => {
        if (state !== 'open') return;
        unSubscribe();
        flush();
      });
    }
  }
}
