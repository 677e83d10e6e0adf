import type { ResumeTicket } from '../token/token.js';
import type { TranscriptSegment } from '../transcript/transcript.js';

/** What `persist` keeps of a call for the tab's next page: never the LiveKit token. */
export interface SavedCall {
  /** Rejoins the call's room as the same participant, once. */
  ticket: string;
  /** When the ticket stops being accepted, by this browser's clock (ms since the epoch). */
  expiresAt: number;
  /** The captions so far, oldest first. */
  captions: TranscriptSegment[];
}

const PREFIX = 'voice-agent:call:';

function isSegment(value: unknown): value is TranscriptSegment {
  const segment = value as TranscriptSegment;
  return (
    typeof segment === 'object' &&
    segment !== null &&
    typeof segment.segmentId === 'string' &&
    (segment.role === 'user' || segment.role === 'agent') &&
    typeof segment.text === 'string' &&
    typeof segment.final === 'boolean'
  );
}

function isSavedCall(value: unknown): value is SavedCall {
  const saved = value as SavedCall;
  return (
    typeof saved === 'object' &&
    saved !== null &&
    typeof saved.ticket === 'string' &&
    typeof saved.expiresAt === 'number' &&
    Array.isArray(saved.captions) &&
    saved.captions.every(isSegment)
  );
}

/**
 * The tab's memory of one widget's call, in `sessionStorage` (so other tabs and later visits
 * never see it), keyed by the element's id and its token URL (not its agent name, which pages
 * often set from script after the element is connected). Storage that is missing, full or disabled
 * (private modes, sandboxed frames) reads as empty and drops writes: the call then simply
 * does not survive the page.
 */
export class CallMemory {
  readonly #storage: Storage | undefined;
  readonly #key: string;
  readonly #now: () => number;

  constructor(options: {
    storage: Storage | undefined;
    tokenUrl: string;
    /** The element's id: two widgets on one page keep their own calls. */
    elementId: string;
    now?: () => number;
  }) {
    this.#storage = options.storage;
    this.#key = `${PREFIX}${options.elementId}@${options.tokenUrl}`;
    this.#now = options.now ?? Date.now;
  }

  /** The saved call, if there is one whose ticket has not expired; anything else is dropped. */
  load(): SavedCall | undefined {
    let raw: string | null | undefined;
    let saved: unknown;
    try {
      raw = this.#storage?.getItem(this.#key);
      saved = raw ? JSON.parse(raw) : undefined;
    } catch {
      saved = undefined;
    }
    if (isSavedCall(saved) && saved.expiresAt > this.#now()) return saved;
    if (raw) this.clear();
    return undefined;
  }

  /** Keeps a fresh ticket, with the captions already saved. */
  saveTicket(ticket: ResumeTicket): void {
    const expiresAt = this.#now() + ticket.ttlSeconds * 1000;
    this.#write({ captions: this.#captions(), ticket: ticket.ticket, expiresAt });
  }

  /** Keeps the captions so far, if a ticket is kept (without one there is nothing to resume). */
  saveCaptions(captions: readonly TranscriptSegment[]): void {
    const saved = this.load();
    if (saved) this.#write({ ...saved, captions: [...captions] });
  }

  /** Forgets the call: it ended, or its ticket was used or refused. */
  clear(): void {
    try {
      this.#storage?.removeItem(this.#key);
    } catch {
      // Storage that refuses removal has nothing of ours in it.
    }
  }

  #captions(): TranscriptSegment[] {
    return this.load()?.captions ?? [];
  }

  #write(saved: SavedCall): void {
    try {
      this.#storage?.setItem(this.#key, JSON.stringify(saved));
    } catch {
      // Full or disabled storage: the call will not survive the page, nothing else changes.
    }
  }
}
