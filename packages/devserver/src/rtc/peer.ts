import {
  type MediaStreamTrack,
  type RTCDataChannel,
  RTCPeerConnection,
  type RTCRtpTransceiver,
  SessionDescription,
  useOPUS,
  useSdesMid,
  useVP8,
} from 'werift';
import { trace } from '../server/log.js';
import { applyWeriftFixes } from './werift-fixes.js';

// Before any peer connection exists: the fixes apply to every werift peer in this process.
applyWeriftFixes();

/** A section the client sends on: a track it publishes. */
export interface PublishedSection {
  mid: string;
  /** The track id in the section's msid: livekit-client uses it as the AddTrackRequest cid. */
  msidTrackId: string | undefined;
  track: MediaStreamTrack;
}

/** A remote track this peer should receive: `streamId` is the publisher sid (PA_...). */
export interface WantedTrack {
  trackSid: string;
  streamId: string;
}

/** A remote track this peer now receives on its own sender. */
export interface Downtrack extends WantedTrack {
  transceiver: RTCRtpTransceiver;
}

/**
 * Creates a werift peer connection that only talks over this machine's own addresses:
 * no STUN/TURN servers (werift's default asks Google's STUN server), IPv4 host candidates.
 */
export function createPeerConnection(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [],
    // Loopback too, for a browser on a machine with no other interface up; rtc-node (whose
    // libwebrtc ignores loopback) uses the machine's other addresses.
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv4: true,
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
    // Video sections are accepted and left inactive: this server forwards audio only.
    codecs: { audio: [useOPUS()], video: [useVP8()] },
    headerExtensions: { audio: [useSdesMid()], video: [] },
  });
}

/** Gathering host candidates takes milliseconds; past this, answer with what there is. */
const GATHERING_TIMEOUT_MS = 3_000;

/** Resolves once ICE gathering is complete, so answers carry every host candidate. */
export async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unSubscribe();
      resolve();
    };
    const timer = setTimeout(done, GATHERING_TIMEOUT_MS);
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') done();
    });
  });
}

/**
 * One participant's single peer connection (LiveKit's `/rtc/v1` mode): the client always
 * offers, the server answers. Receive sections the client adds on request get assigned to
 * wanted remote tracks, in order.
 */
/** A candidate a client trickles, as the signalling carries it. */
export interface TrickledCandidate {
  candidate?: string;
  sdpMid?: string | null;
}

/** Adds a client's trickled candidate to `pc`, skipping empty and mDNS ones. */
export async function addTrickledCandidate(
  pc: RTCPeerConnection,
  candidate: TrickledCandidate,
): Promise<void> {
  // An mDNS name would make werift send multicast queries onto the LAN; the peer's real
  // address is learnt from its connectivity checks anyway (peer-reflexive).
  if (!candidate.candidate || /\.local\b/.test(candidate.candidate)) return;
  trace('trickled candidate: %s', candidate.candidate);
  await pc.addIceCandidate({
    // werift nominates a pair only if its remote candidate's `generation` equals werift's own
    // count of ICE restarts, a number the client keeps its own way (a client that restarted
    // ICE has its candidates refused for good). A trickled candidate is of the client's
    // current gathering (its ufrag says which), so the number is left out.
    candidate: candidate.candidate.replace(/ generation \d+/, ''),
    sdpMid: candidate.sdpMid ?? undefined,
  });
}

export class ParticipantPeer {
  readonly pc = createPeerConnection();
  private readonly seenPublishedMids = new Set<string>();
  private readonly assignedMids = new Set<string>();
  private readonly wanted: WantedTrack[] = [];
  private readonly downtracks = new Map<string, Downtrack>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly handlers: {
      onPublishedSection(section: PublishedSection): void;
      /** A send section stopped sending (livekit-client unpublishes in SDP only). */
      onUnpublishedSection(mid: string): void;
      onDataChannel(channel: RTCDataChannel): void;
    },
  ) {
    this.pc.onDataChannel.subscribe((channel) => handlers.onDataChannel(channel));
  }

  /** Queues a remote track; the caller asks the client for a receive section. */
  want(track: WantedTrack): void {
    this.wanted.push(track);
  }

  /** Drops a remote track: its sender stops and is freed from the mid map. */
  unwant(trackSid: string): Downtrack | undefined {
    const index = this.wanted.findIndex((track) => track.trackSid === trackSid);
    if (index >= 0) this.wanted.splice(index, 1);
    const downtrack = this.downtracks.get(trackSid);
    this.downtracks.delete(trackSid);
    return downtrack;
  }

  /** How many wanted remote tracks still wait for a receive section. */
  get waitingTracks(): number {
    return this.wanted.length;
  }

  /** Whether the remote track still waits for a receive section. */
  waits(trackSid: string): boolean {
    return this.wanted.some((track) => track.trackSid === trackSid);
  }

  /** Whether the remote track is received or waiting for a receive section. */
  has(trackSid: string): boolean {
    return this.downtracks.has(trackSid) || this.wanted.some((t) => t.trackSid === trackSid);
  }

  /** Answers a client offer; returns the answer SDP, the mid map and the new downtracks. */
  answer(
    sdp: string,
  ): Promise<{ sdp: string; midToTrackId: Record<string, string>; added: Downtrack[] }> {
    const run = this.queue.then(() => this.answerNow(sdp));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async answerNow(sdp: string) {
    const offer = SessionDescription.parse(sdp);
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    const added: Downtrack[] = [];
    for (const media of offer.media) {
      const mid = media.rtp.muxId;
      if (media.kind !== 'audio' || !mid) continue;
      const transceiver = this.pc.getTransceivers().find((t) => t.mid === mid);
      if (!transceiver) continue;
      const sending = media.direction === 'sendonly' || media.direction === 'sendrecv';
      if (!sending && this.seenPublishedMids.delete(mid)) {
        this.handlers.onUnpublishedSection(mid);
        continue;
      }
      if (sending) {
        if (this.seenPublishedMids.has(mid)) continue;
        this.seenPublishedMids.add(mid);
        this.handlers.onPublishedSection({
          mid,
          msidTrackId: media.msids[0]?.split(' ')[1],
          track: transceiver.receiver.track,
        });
      } else if (media.direction === 'recvonly' && !this.assignedMids.has(mid)) {
        const next = this.wanted.shift();
        if (!next) continue;
        this.assignedMids.add(mid);
        transceiver.sender.setStreams([]);
        // LiveKit's msid: stream "PA_xxx|TR_xxx", track "TR_xxx"; clients map tracks by it.
        transceiver.sender.streamId = `${next.streamId}|${next.trackSid}`;
        (transceiver.sender as { trackId: string }).trackId = next.trackSid;
        transceiver.setDirection('sendonly');
        const downtrack = { ...next, transceiver };
        this.downtracks.set(next.trackSid, downtrack);
        added.push(downtrack);
      }
    }
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    await gathered(this.pc);
    const midToTrackId: Record<string, string> = {};
    for (const downtrack of this.downtracks.values()) {
      if (downtrack.transceiver.mid) midToTrackId[downtrack.transceiver.mid] = downtrack.trackSid;
    }
    return { sdp: this.pc.localDescription?.sdp ?? '', midToTrackId, added };
  }

  /** Adds a trickled client candidate. */
  async addCandidate(candidate: TrickledCandidate): Promise<void> {
    await addTrickledCandidate(this.pc, candidate);
  }

  async close(): Promise<void> {
    await this.pc.close();
  }
}
