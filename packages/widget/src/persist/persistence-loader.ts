import type { ReactiveController } from 'lit';
import type { ResumeTicket } from '../token/token.js';
import type { CallPersistence, PersistenceHost } from './call-persistence.js';

/**
 * The loader's side of `persist`: its code (storage, ticket swaps) loads only on pages that
 * set the attribute, before their first render, and stays out of the loader's budget.
 */
export class PersistenceLoader implements ReactiveController {
  readonly #host: PersistenceHost;
  #loaded: Promise<CallPersistence> | undefined;
  #current: CallPersistence | undefined;

  constructor(host: PersistenceHost) {
    this.#host = host;
    host.addController(this);
  }

  /** A call of an earlier page waits to be continued. */
  get resumable(): boolean {
    return this.#current?.resumable ?? false;
  }

  hostUpdate(): void {
    if (!this.#host.persist || this.#loaded) return;
    this.#loaded = import('./call-persistence.js').then(({ CallPersistence }) => {
      this.#current = new CallPersistence(this.#host);
      this.#host.requestUpdate();
      return this.#current;
    });
  }

  /** A call is kept for the tab's next page or element (a ticket is saved). */
  get holdsCall(): boolean {
    return this.#current?.holdsCall ?? false;
  }

  /** The earlier page's ticket for the next start, once. */
  takeTicket(): string | undefined {
    return this.#current?.takeTicket();
  }

  /** Keeps the ticket the token service answered (once the code is there). */
  keep(ticket: ResumeTicket): void {
    void this.#loaded?.then((persistence) => persistence.keep(ticket));
  }
}
