import type { ReactiveController } from 'lit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallState } from '../call/call-state.js';
import { CallMemory } from './call-memory.js';
import { CallPersistence, type PersistenceHost } from './call-persistence.js';
import { TabStorage } from './tab-storage.test-helper.js';

/** What a Lit element gives its controllers, on an EventTarget (no DOM in Node). */
class ElementHost extends EventTarget implements PersistenceHost {
  readonly persist = true;
  readonly tokenUrl = '/token';
  readonly id = 'support';
  readonly tokenCredentials = 'same-origin' as const;
  readonly tokenHeaders = undefined;
  readonly call: CallState;
  open = false;
  readonly updateComplete = Promise.resolve(true);
  readonly controllers: ReactiveController[] = [];
  constructor() {
    super();
    this.call = new CallState(this);
  }
  addController(controller: ReactiveController) {
    this.controllers.push(controller);
    controller.hostConnected?.();
  }
  removeController() {}
  requestUpdate() {}
  async start() {}
}

describe('CallPersistence', () => {
  let storage: TabStorage;
  const page = new EventTarget();

  beforeEach(() => {
    storage = new TabStorage();
    vi.stubGlobal('sessionStorage', storage);
    vi.stubGlobal('addEventListener', page.addEventListener.bind(page));
    vi.stubGlobal('removeEventListener', page.removeEventListener.bind(page));
  });
  afterEach(() => vi.unstubAllGlobals());

  it('writes the captions on final ones and when the page goes, not on interim ones', () => {
    const host = new ElementHost();
    const persistence = new CallPersistence(host);
    persistence.keep({ ticket: 't1', ttlSeconds: 300 });
    const saved = () =>
      new CallMemory({ storage, tokenUrl: '/token', elementId: 'support' }).load();
    const afterTicket = storage.writes;

    for (const text of ['Hel', 'Hello', 'Hello Ada']) {
      host.call.caption({ segmentId: 'a', role: 'agent', text, final: false });
    }
    expect(storage.writes).toBe(afterTicket);
    host.call.caption({ segmentId: 'a', role: 'agent', text: 'Hello Ada.', final: true });
    expect(storage.writes).toBe(afterTicket + 1);
    expect(saved()?.captions.map((c) => c.text)).toEqual(['Hello Ada.']);

    // A reload in the middle of the visitor's sentence keeps what was shown.
    host.call.caption({ segmentId: 'b', role: 'user', text: 'My name', final: false });
    expect(storage.writes).toBe(afterTicket + 1);
    page.dispatchEvent(new Event('pagehide'));
    expect(saved()?.captions.map((c) => c.text)).toEqual(['Hello Ada.', 'My name']);
    expect(saved()?.ticket).toBe('t1');

    // Removed from the page (a single-page app's remount): the captions are kept for the next.
    host.call.caption({ segmentId: 'b', role: 'user', text: 'My name is Grace', final: false });
    persistence.hostDisconnected();
    expect(saved()?.captions.map((c) => c.text)).toEqual(['Hello Ada.', 'My name is Grace']);
    const writes = storage.writes;
    page.dispatchEvent(new Event('pagehide'));
    expect(storage.writes).toBe(writes);
  });

  it('writes nothing once the call has ended', () => {
    const host = new ElementHost();
    new CallPersistence(host).keep({ ticket: 't1', ttlSeconds: 300 });
    host.call.begin();
    host.call.end('user');
    const writes = storage.writes;
    host.call.caption({ segmentId: 'a', role: 'agent', text: 'Bye.', final: true });
    page.dispatchEvent(new Event('pagehide'));
    expect(storage.writes).toBe(writes);
    expect(storage.length).toBe(0);
  });
});
