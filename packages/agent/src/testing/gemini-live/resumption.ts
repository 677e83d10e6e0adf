import type { ContextTurn } from './context.js';

/** A Gemini session: it outlives its connections through resumption handles. */
export interface ModelSession {
  id: number;
  /** Audio the client streamed in this session, across connections (ms). */
  audioMs: number;
  /** Setup enabled `contextWindowCompression`: the session has no audio budget. */
  compression: boolean;
  /** The audio budget ran out: the session's handles are refused. */
  spent: boolean;
}

interface StoredHandle {
  /** The connection that issued it. */
  issuer: number;
  session: ModelSession;
  /** The context at issue time: what a resume with this handle restores. */
  turns: ContextTurn[];
  issuedAt: number;
}

/** Why a handle was refused, as the close reason says it. */
export type Refusal = 'unknown handle' | 'expired handle' | 'session over';

/** The handles the stand-in issued, and what each restores. */
export class ResumptionStore {
  readonly #handles = new Map<string, StoredHandle>();
  #issued = 0;

  /** Stores the context of a connection under a new handle. */
  issue(issuer: number, session: ModelSession, context: ContextTurn[]): string {
    this.#issued += 1;
    const handle = `handle-${issuer}-${this.#issued}`;
    const turns = context.map((turn) => ({ ...turn }));
    this.#handles.set(handle, { issuer, session, turns, issuedAt: Date.now() });
    return handle;
  }

  /** What the handle restores, or why it is refused. */
  lookup(handle: string, ttlMs: number): StoredHandle | Refusal {
    const stored = this.#handles.get(handle);
    if (!stored) return 'unknown handle';
    if (Date.now() - stored.issuedAt > ttlMs) return 'expired handle';
    if (stored.session.spent) return 'session over';
    return stored;
  }

  /** The connection that issued a handle, if the stand-in issued it. */
  issuerOf(handle: string): number | undefined {
    return this.#handles.get(handle)?.issuer;
  }

  /** Makes every handle issued so far expire: the next resume with one is refused. */
  expireAll(): void {
    for (const stored of this.#handles.values()) stored.issuedAt = -Infinity;
  }
}
