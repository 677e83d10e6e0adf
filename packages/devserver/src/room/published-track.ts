import type { TrackInfo } from '@livekit/protocol';
import type { RTCRtpSender, RtpPacket } from 'werift';
import type { PublishedSection } from '../rtc/peer.js';
import { trace } from '../server/log.js';

/** A track a participant publishes, and the senders that forward it to each subscriber. */
export class PublishedTrack {
  readonly subscribers = new Map<string, RTCRtpSender>();
  private stopForwarding: (() => void) | undefined;

  constructor(
    readonly info: TrackInfo,
    readonly cid: string,
  ) {}

  get attached(): boolean {
    return this.stopForwarding !== undefined;
  }

  /** Forwards each RTP packet to every subscriber, each its own copy (senders rewrite headers). */
  attach(section: PublishedSection): void {
    this.info.mid = section.mid;
    trace('track %s (cid %s) attached to mid %s', this.info.sid, this.cid, section.mid);
    let first = true;
    const { unSubscribe } = section.track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
      if (first) trace('track %s: first RTP packet', this.info.sid);
      first = false;
      for (const sender of this.subscribers.values()) {
        const copy = rtp.clone();
        copy.header.extensions = [];
        sender.sendRtp(copy).catch(() => undefined);
      }
    });
    this.stopForwarding = unSubscribe;
  }

  stop(): void {
    this.stopForwarding?.();
    this.subscribers.clear();
  }
}
