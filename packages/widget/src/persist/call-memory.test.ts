import { describe, expect, it } from 'vitest';
import { CallMemory } from './call-memory.js';
import { TabStorage } from './tab-storage.test-helper.js';

const caption = (segmentId: string, text: string) =>
  ({ segmentId, role: 'agent', text, final: true }) as const;

describe('CallMemory', () => {
  it('keeps the ticket and the captions for the next page, until the ticket expires', () => {
    let now = 1_000_000;
    const storage = new TabStorage();
    const options = { storage, tokenUrl: '/voice/token', elementId: 'support', now: () => now };
    const memory = new CallMemory(options);
    memory.saveCaptions([caption('a', 'not kept without a ticket')]);
    expect(memory.load()).toBeUndefined();

    memory.saveTicket({ ticket: 't1', ttlSeconds: 300 });
    memory.saveCaptions([caption('a', 'Hello Ada.')]);
    memory.saveTicket({ ticket: 't2', ttlSeconds: 300 });
    const next = new CallMemory(options);
    expect(next.load()).toEqual({
      ticket: 't2',
      expiresAt: now + 300_000,
      captions: [caption('a', 'Hello Ada.')],
    });
    // Another widget on the page keeps its own call.
    expect(new CallMemory({ ...options, elementId: 'sales' }).load()).toBeUndefined();

    now += 300_000;
    expect(next.load()).toBeUndefined();
    expect(storage.length).toBe(0);
  });

  it('reads anything malformed as nothing, and forgets it', () => {
    const storage = new TabStorage();
    const memory = new CallMemory({ storage, tokenUrl: '/t', elementId: '' });
    for (const raw of ['{', '{"ticket":1}', '{"ticket":"t","expiresAt":9e15,"captions":[{}]}']) {
      storage.setItem('voice-agent:call:@/t', raw);
      expect(memory.load()).toBeUndefined();
      expect(storage.length).toBe(0);
    }
  });

  it('works without storage, or with storage that refuses writes', () => {
    const none = new CallMemory({ storage: undefined, tokenUrl: '/t', elementId: '' });
    none.saveTicket({ ticket: 't', ttlSeconds: 60 });
    expect(none.load()).toBeUndefined();
    const storage = new TabStorage();
    storage.failWrites = true;
    const full = new CallMemory({ storage, tokenUrl: '/t', elementId: '' });
    full.saveTicket({ ticket: 't', ttlSeconds: 60 });
    expect(full.load()).toBeUndefined();
    full.clear();
  });
});
