import { ClientInfo_SDK } from '@livekit/protocol';
import { trace } from '../server/log.js';

/** Past this, an offer the server waits for is taken as not coming, so nothing waits forever. */
export const OFFER_WAIT_MS = 10_000;
/**
 * How many times an ask is sent while what it asked for has not come: a request lost on the
 * way (or crossed by an offer of the client's own) is asked again, not dropped, since a
 * subscription whose receive section never comes leaves the track unheard for good.
 */
export const ASK_TRIES = 3;

/**
 * How long an ask waits before it is sent. rtc-node sends an offer of its own up to its 150 ms
 * negotiation debounce after a `registerRpcMethod`, which an agent does just before it
 * publishes; that offer must reach the server before a `trackPublished` can cross it.
 */
export const ASK_HOLD_MS = 400;

/**
 * The hold for a client of `sdk` (ClientInfo's): none for livekit-client (`JS`), which neither
 * offers on its own nor deadlocks, so that a browser's microphone is published without the
 * hold (it was 400 ms of every page's join and resume); rtc-node and any other client keep it.
 */
export function askHoldFor(sdk: ClientInfo_SDK | undefined): number {
  return sdk === ClientInfo_SDK.JS ? 0 : ASK_HOLD_MS;
}

interface HeldAsk {
  ask: OfferAsk;
  notBefore: number;
  /** Times it was sent so far. */
  tries: number;
}

/** Something the server asks of a client that makes it offer again. */
export interface OfferAsk {
  /** Sends the request (a MediaSectionsRequirement, a TrackPublishedResponse); false if none was needed. */
  ask(): boolean;
  /** Whether the offers answered so far brought what was asked for. */
  given(): boolean;
}

/**
 * Makes the server ask a client for a new offer only when the client has no offer of its own
 * under way: not while the server is answering one, and not while an offer it asked for has
 * not come yet. The next ask waits.
 *
 * Why: @livekit/rtc-node 0.13.35 and 1.1.0 (rust-sdks livekit-ffi 0.12.73) deadlock their
 * publisher transport when a negotiation is requested while their own offer awaits an answer
 * (`PeerTransport::set_remote_description` re-enters its non-reentrant mutex; fixed upstream
 * in rust-sdks #1252). The client's whole signalling loop then stops: the agent never applies
 * its next answer or `trackSubscribed`, and its audio never reaches the room. rtc-node also
 * offers on its own (each `registerRpcMethod` renegotiates), so an offer being answered
 * counts as under way too.
 */
export class OfferTurns {
  private answering = 0;
  private pending: HeldAsk | undefined;
  private timer: NodeJS.Timeout | undefined;
  private holdTimer: NodeJS.Timeout | undefined;
  private readonly waiting: HeldAsk[] = [];

  /** How long each ask waits ({@link askHoldFor}; set once the client's join was read). */
  holdMs = ASK_HOLD_MS;

  constructor(private readonly who: () => string) {}

  /** The client will offer without being asked (the offer embedded in its join request). */
  expectOffer(): void {
    this.await({ ask: { ask: () => true, given: () => true }, notBefore: 0, tries: ASK_TRIES });
  }

  /**
   * Runs `ask` after {@link holdMs} if the client has no offer under way then, else once
   * that offer has been answered.
   */
  request(ask: OfferAsk): void {
    this.waiting.push({ ask, notBefore: Date.now() + this.holdMs, tries: 0 });
    this.next();
  }

  /** A client offer came in: nothing is asked of the client until it has been answered. */
  offerReceived(): void {
    this.answering += 1;
  }

  /** The server has sent its answer to a client offer. */
  answered(): void {
    this.answering = Math.max(0, this.answering - 1);
    if (this.pending?.ask.given()) this.settle();
    this.next();
  }

  close(): void {
    clearTimeout(this.timer);
    clearTimeout(this.holdTimer);
    this.waiting.length = 0;
  }

  private next(): void {
    while (this.answering === 0 && !this.pending) {
      const held = this.waiting[0];
      if (!held) return;
      const wait = held.notBefore - Date.now();
      if (wait > 0) {
        this.holdTimer ??= setTimeout(() => {
          this.holdTimer = undefined;
          // After the poll phase: an offer that arrived while the loop was busy is read first.
          setImmediate(() => this.next());
        }, wait);
        this.holdTimer.unref();
        return;
      }
      this.waiting.shift();
      if (held.ask.ask()) this.await({ ...held, tries: held.tries + 1 });
    }
  }

  private await(held: HeldAsk): void {
    this.pending = held;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const again = !held.ask.given() && held.tries < ASK_TRIES;
      trace(
        '%s: the offer asked for did not come in %d ms%s',
        this.who(),
        OFFER_WAIT_MS,
        again ? ', asking again' : '',
      );
      this.settle();
      if (again) this.waiting.unshift({ ...held, notBefore: 0 });
      this.next();
    }, OFFER_WAIT_MS);
    this.timer.unref();
  }

  private settle(): void {
    this.pending = undefined;
    clearTimeout(this.timer);
  }
}
