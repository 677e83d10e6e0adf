import { trace } from '../server/log.js';

/** Past this, an offer the server waits for is taken as not coming, so nothing waits forever. */
const OFFER_WAIT_MS = 10_000;

/**
 * What the server asks of a client that makes it offer again (a MediaSectionsRequirement, a
 * TrackPublishedResponse). Returns false if it turned out to need nothing from the client.
 */
export type OfferAsk = () => boolean;

/**
 * Makes the server ask a client for at most one new offer at a time: the next ask waits
 * until the offer of the previous one has been answered.
 *
 * Why: @livekit/rtc-node up to at least 1.1.0 (rust-sdks livekit-ffi 0.12.73) deadlocks its
 * publisher transport when a negotiation is requested while its own offer awaits an answer
 * (`PeerTransport::set_remote_description` re-enters its non-reentrant mutex; fixed upstream
 * in rust-sdks #1252). Its whole signalling loop then stops: the agent never gets its next
 * answer or `trackSubscribed`, and its audio never reaches the room. So the server never
 * triggers a negotiation while it is owed an offer or has not answered one yet.
 */
export class OfferTurns {
  private owed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiting: OfferAsk[] = [];

  constructor(private readonly who: () => string) {}

  /** The client will offer without being asked (the offer embedded in its join request). */
  expectOffer(): void {
    this.owe();
  }

  /** Runs `ask` now if no offer is owed, else once the owed one has been answered. */
  request(ask: OfferAsk): void {
    this.waiting.push(ask);
    if (!this.owed) this.next();
  }

  /** The server has sent its answer to a client offer: the next ask may run. */
  answered(): void {
    this.owed = false;
    clearTimeout(this.timer);
    this.next();
  }

  close(): void {
    clearTimeout(this.timer);
    this.waiting.length = 0;
  }

  private next(): void {
    while (!this.owed) {
      const ask = this.waiting.shift();
      if (!ask) return;
      if (ask()) this.owe();
    }
  }

  private owe(): void {
    this.owed = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      trace('%s: the offer asked for did not come in %d ms', this.who(), OFFER_WAIT_MS);
      this.answered();
    }, OFFER_WAIT_MS);
    this.timer.unref();
  }
}
