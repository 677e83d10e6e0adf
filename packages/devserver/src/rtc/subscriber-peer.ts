import type { RTCRtpTransceiver } from 'werift';
import {
  addTrickledCandidate,
  createPeerConnection,
  type Downtrack,
  gathered,
  type TrickledCandidate,
  type WantedTrack,
} from './peer.js';

/**
 * The server-offering subscriber connection of LiveKit's older two-connection mode (`/rtc`):
 * the server adds a send section per remote track and offers; the client answers.
 * One offer is in flight at a time; tracks wanted meanwhile go into the next one.
 */
export class SubscriberPeer {
  readonly pc = createPeerConnection();
  private readonly pending: WantedTrack[] = [];
  private readonly downtracks = new Map<string, Downtrack>();
  private inFlight: { id: number; added: Downtrack[] } | undefined;
  private nextOfferId = 1;
  private iceRestart = false;

  constructor(
    private readonly handlers: {
      sendOffer(sdp: string, id: number, midToTrackId: Record<string, string>): void;
      onDowntracks(added: Downtrack[]): void;
    },
  ) {}

  want(track: WantedTrack): void {
    this.pending.push(track);
    void this.negotiate().catch(() => undefined);
  }

  has(trackSid: string): boolean {
    return this.downtracks.has(trackSid) || this.pending.some((t) => t.trackSid === trackSid);
  }

  /** Stops sending a remote track; its section goes inactive in the next offer. */
  unwant(trackSid: string): Downtrack | undefined {
    const index = this.pending.findIndex((t) => t.trackSid === trackSid);
    if (index >= 0) this.pending.splice(index, 1);
    const downtrack = this.downtracks.get(trackSid);
    if (!downtrack) return undefined;
    this.downtracks.delete(trackSid);
    downtrack.transceiver.setDirection('inactive');
    return downtrack;
  }

  /**
   * A resumed client restarts ICE on its side; this connection's offers come from the server,
   * so the server offers again with new ICE credentials (as LiveKit does on a resume).
   */
  async restartIce(): Promise<void> {
    if (!this.pc.localDescription) return;
    this.iceRestart = true;
    await this.negotiate();
  }

  private async negotiate(): Promise<void> {
    if (this.inFlight || (this.pending.length === 0 && !this.iceRestart)) return;
    const iceRestart = this.iceRestart;
    this.iceRestart = false;
    const added = this.pending.splice(0).map((track) => {
      const transceiver: RTCRtpTransceiver = this.pc.addTransceiver('audio', {
        direction: 'sendonly',
      });
      transceiver.sender.streamId = `${track.streamId}|${track.trackSid}`;
      (transceiver.sender as { trackId: string }).trackId = track.trackSid;
      const downtrack = { ...track, transceiver };
      this.downtracks.set(track.trackSid, downtrack);
      return downtrack;
    });
    const id = this.nextOfferId++;
    this.inFlight = { id, added };
    await this.pc.setLocalDescription(await this.pc.createOffer({ iceRestart }));
    await gathered(this.pc);
    const midToTrackId: Record<string, string> = {};
    for (const downtrack of this.downtracks.values()) {
      if (downtrack.transceiver.mid) midToTrackId[downtrack.transceiver.mid] = downtrack.trackSid;
    }
    this.handlers.sendOffer(this.pc.localDescription?.sdp ?? '', id, midToTrackId);
  }

  /** Applies the client's answer to offer `id`, then offers again if tracks are waiting. */
  async answer(sdp: string, id: number): Promise<void> {
    const inFlight = this.inFlight;
    if (!inFlight || (id !== 0 && id !== inFlight.id)) return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    this.inFlight = undefined;
    this.handlers.onDowntracks(inFlight.added.filter((d) => this.downtracks.has(d.trackSid)));
    await this.negotiate();
  }

  async addCandidate(candidate: TrickledCandidate): Promise<void> {
    await addTrickledCandidate(this.pc, candidate);
  }

  async close(): Promise<void> {
    await this.pc.close();
  }
}
