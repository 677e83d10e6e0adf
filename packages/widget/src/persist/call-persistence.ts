import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallState } from '../call/call-state.js';
import type { VoiceAgentTranscriptEvent } from '../events/transcript.js';
import { type ResumeTicket, swapResumeTicket, type TokenRequestOptions } from '../token/token.js';
import { CallMemory, type SavedCall } from './call-memory.js';

/** What the persistence needs from the element. */
export interface PersistenceHost extends ReactiveControllerHost, EventTarget {
  /** The `persist` attribute. */
  readonly persist: boolean;
  readonly tokenUrl: string;
  readonly id: string;
  readonly tokenCredentials: TokenRequestOptions['credentials'];
  readonly tokenHeaders: TokenRequestOptions['headers'];
  readonly call: CallState;
  open: boolean;
  start(): Promise<void>;
}

/** Whether the page may play sound without a click (the autoplay policy), asked of a silent AudioContext. */
async function audioAllowed(): Promise<boolean> {
  const context = new AudioContext();
  const running = await Promise.race([
    context.resume().then(() => context.state === 'running'),
    // Where a click is needed, resume() waits for one.
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500)),
  ]);
  void context.close().catch(() => undefined);
  return running;
}

/**
 * `persist`: keeps the call across reloads and same-origin navigation in one tab. It saves the
 * captions and a resume ticket (never the LiveKit token) in `sessionStorage`; on the next page
 * it shows the captions at once and hands the ticket to the next start, which rejoins the same
 * room as the same participant. During the call it swaps the ticket for a fresh one at half
 * its lifetime, so the one kept expires soon after the page has left. A call that ends (hang
 * up, the agent left, an error) is forgotten.
 */
export class CallPersistence implements ReactiveController {
  readonly #host: PersistenceHost;
  #memory: CallMemory | undefined;
  #memoryKey: string | undefined;
  #saved: SavedCall | undefined;
  #swapTimer: ReturnType<typeof setTimeout> | undefined;
  #restored = false;

  constructor(host: PersistenceHost) {
    this.#host = host;
    host.addController(this);
  }

  /** A call of an earlier page waits to be continued. */
  get resumable(): boolean {
    return this.#saved !== undefined;
  }

  /** A call is kept for the tab's next page or element (a ticket is saved). */
  get holdsCall(): boolean {
    return this.#host.persist && this.#memoryNow().load() !== undefined;
  }

  hostConnected(): void {
    this.#host.addEventListener('voice-agent-transcript', this.#saveFinalCaption);
    this.#host.addEventListener('voice-agent-ended', this.#forget);
    // What is said while the page goes (interim captions included) is kept too.
    globalThis.addEventListener?.('pagehide', this.#saveCaptions);
  }

  /** Before the first render, once the page has set its properties (`tokenUrl` from script). */
  hostUpdate(): void {
    if (this.#restored) return;
    this.#restored = true;
    if (!this.#host.persist) return;
    this.#saved = this.#memoryNow().load();
    if (!this.#saved) return;
    this.#host.call.restore(this.#saved.captions);
    this.#host.open = true;
    void audioAllowed().then((allowed) => {
      if (allowed && this.#saved) void this.#host.start();
    });
  }

  hostDisconnected(): void {
    this.#host.removeEventListener('voice-agent-transcript', this.#saveFinalCaption);
    this.#host.removeEventListener('voice-agent-ended', this.#forget);
    globalThis.removeEventListener?.('pagehide', this.#saveCaptions);
    clearTimeout(this.#swapTimer);
    // The page's next element (a single-page app's remount) restores these.
    this.#saveCaptions();
  }

  /** The ticket for the next start, once: a ticket is good for one rejoin. */
  takeTicket(): string | undefined {
    const ticket = this.#saved?.ticket;
    this.#saved = undefined;
    return ticket;
  }

  /** Keeps the ticket the token service answered, and plans its swap. */
  keep(ticket: ResumeTicket): void {
    if (!this.#host.persist) return;
    this.#memoryNow().saveTicket(ticket);
    clearTimeout(this.#swapTimer);
    this.#swapTimer = setTimeout(() => void this.#swap(ticket.ticket), ticket.ttlSeconds * 500);
  }

  async #swap(ticket: string): Promise<void> {
    const fresh = await swapResumeTicket({
      tokenUrl: this.#host.tokenUrl,
      credentials: this.#host.tokenCredentials,
      headers: this.#host.tokenHeaders,
      ticket,
    });
    if (fresh && this.#swapTimer !== undefined) this.keep(fresh);
  }

  /** Interim captions change several times a second: only final ones are written. */
  #saveFinalCaption = (event: Event) => {
    if ((event as VoiceAgentTranscriptEvent).detail.final) this.#saveCaptions();
  };

  #saveCaptions = () => {
    if (this.#host.persist) this.#memoryNow().saveCaptions(this.#host.call.transcript.segments);
  };

  #forget = () => {
    clearTimeout(this.#swapTimer);
    this.#swapTimer = undefined;
    this.#saved = undefined;
    this.#memory?.clear();
  };

  /** The memory for the current token URL and id (attributes may change before a call). */
  #memoryNow(): CallMemory {
    const { tokenUrl, id: elementId } = this.#host;
    const key = `${elementId}@${tokenUrl}`;
    if (this.#memory && this.#memoryKey === key) return this.#memory;
    const storage = (() => {
      try {
        return globalThis.sessionStorage;
      } catch {
        return undefined; // sandboxed frames throw on access
      }
    })();
    this.#memory = new CallMemory({ storage, tokenUrl, elementId });
    this.#memoryKey = key;
    return this.#memory;
  }
}
