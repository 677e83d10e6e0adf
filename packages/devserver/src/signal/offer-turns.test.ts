import { afterEach, describe, expect, it, vi } from 'vitest';
import { OfferTurns } from './offer-turns.js';

describe('OfferTurns', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks for the next offer only once the owed one is answered', () => {
    const turns = new OfferTurns(() => 'client');
    const sent: string[] = [];
    turns.expectOffer();
    turns.request(() => sent.push('sections') > 0);
    turns.request(() => sent.push('published') > 0);
    expect(sent).toEqual([]);
    turns.answered();
    expect(sent).toEqual(['sections']);
    turns.answered();
    expect(sent).toEqual(['sections', 'published']);
    turns.close();
  });

  it('goes on to the next ask when one needs no offer after all', () => {
    const turns = new OfferTurns(() => 'client');
    const sent: string[] = [];
    turns.expectOffer();
    turns.request(() => false);
    turns.request(() => sent.push('published') > 0);
    turns.answered();
    expect(sent).toEqual(['published']);
    turns.close();
  });

  it('stops waiting for an offer that never comes', () => {
    vi.useFakeTimers();
    const turns = new OfferTurns(() => 'client');
    const sent: string[] = [];
    turns.expectOffer();
    turns.request(() => sent.push('sections') > 0);
    vi.advanceTimersByTime(9_000);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(sent).toEqual(['sections']);
    turns.close();
  });
});
