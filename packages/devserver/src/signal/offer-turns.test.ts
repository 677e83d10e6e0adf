import { ClientInfo_SDK } from '@livekit/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ASK_HOLD_MS,
  ASK_TRIES,
  askHoldFor,
  OFFER_WAIT_MS,
  type OfferAsk,
  OfferTurns,
} from './offer-turns.js';

/** Lets the hold of every ask asked so far pass (and the immediate that follows it). */
const hold = () => vi.advanceTimersByTime(ASK_HOLD_MS + 1);

/** An ask that records that it was sent, and is given once `given.value` is true. */
function recordedAsk(sent: string[], name: string, given = { value: true }): OfferAsk {
  return {
    ask: () => {
      sent.push(name);
      return true;
    },
    given: () => given.value,
  };
}

describe('OfferTurns', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds an ask, so that an offer the client already sent is answered first', () => {
    const turns = new OfferTurns(() => 'client');
    const sent: string[] = [];
    turns.request(recordedAsk(sent, 'published'));
    vi.advanceTimersByTime(ASK_HOLD_MS - 100);
    // rtc-node's own offer (after a registerRpcMethod) arrives within the hold.
    turns.offerReceived();
    hold();
    expect(sent).toEqual([]);
    turns.answered();
    expect(sent).toEqual(['published']);
    turns.close();
  });

  it('asks for the next offer only once the expected one is answered', () => {
    const turns = new OfferTurns(() => 'client');
    const sent: string[] = [];
    turns.expectOffer();
    turns.request(recordedAsk(sent, 'sections'));
    turns.request(recordedAsk(sent, 'published'));
    hold();
    expect(sent).toEqual([]);
    turns.offerReceived();
    turns.answered();
    expect(sent).toEqual(['sections']);
    turns.offerReceived();
    turns.answered();
    expect(sent).toEqual(['sections', 'published']);
    turns.close();
  });

  it('asks nothing while an offer the client made on its own is being answered', () => {
    const turns = new OfferTurns(() => 'client');
    const sent: string[] = [];
    turns.offerReceived();
    turns.request(recordedAsk(sent, 'published'));
    hold();
    expect(sent).toEqual([]);
    turns.answered();
    expect(sent).toEqual(['published']);
    turns.close();
  });

  it('keeps waiting when the answered offer did not bring what was asked for', () => {
    const turns = new OfferTurns(() => 'client');
    const sent: string[] = [];
    const given = { value: false };
    turns.request(recordedAsk(sent, 'published', given));
    turns.request(recordedAsk(sent, 'sections'));
    hold();
    turns.offerReceived();
    turns.answered();
    expect(sent).toEqual(['published']);
    given.value = true;
    turns.offerReceived();
    turns.answered();
    expect(sent).toEqual(['published', 'sections']);
    turns.close();
  });

  it('goes on to the next ask when one needs no offer after all', () => {
    const turns = new OfferTurns(() => 'client');
    const sent: string[] = [];
    turns.request({ ask: () => false, given: () => true });
    turns.request(recordedAsk(sent, 'published'));
    expect(sent).toEqual([]);
    hold();
    expect(sent).toEqual(['published']);
    turns.close();
  });

  it('stops waiting for an offer that never comes', () => {
    const turns = new OfferTurns(() => 'client');
    const sent: string[] = [];
    turns.expectOffer();
    turns.request(recordedAsk(sent, 'sections'));
    vi.advanceTimersByTime(9_000);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(sent).toEqual(['sections']);
    turns.close();
  });
  it('asks again when what it asked for has not come, up to ASK_TRIES times', () => {
    const turns = new OfferTurns(() => 'client');
    const sent: string[] = [];
    const given = { value: false };
    turns.request(recordedAsk(sent, 'sections', given));
    turns.request(recordedAsk(sent, 'published'));
    hold();
    expect(sent).toEqual(['sections']);
    // The request was lost: no offer in time, so it is sent again, before the next ask.
    vi.advanceTimersByTime(OFFER_WAIT_MS);
    expect(sent).toEqual(['sections', 'sections']);
    turns.offerReceived();
    given.value = true;
    turns.answered();
    expect(sent).toEqual(['sections', 'sections', 'published']);
    turns.close();
  });

  it('gives an ask up after ASK_TRIES unanswered tries, and goes on to the next', () => {
    const turns = new OfferTurns(() => 'client');
    const sent: string[] = [];
    turns.request(recordedAsk(sent, 'sections', { value: false }));
    turns.request(recordedAsk(sent, 'published'));
    hold();
    vi.advanceTimersByTime(ASK_TRIES * OFFER_WAIT_MS);
    expect(sent).toEqual([...Array.from({ length: ASK_TRIES }, () => 'sections'), 'published']);
    turns.close();
  });

  it("asks livekit-client at once (no hold: a browser's microphone is published without it)", () => {
    const turns = new OfferTurns(() => 'browser');
    turns.holdMs = askHoldFor(ClientInfo_SDK.JS);
    const sent: string[] = [];
    turns.request(recordedAsk(sent, 'published'));
    expect(sent).toEqual(['published']);
    // Still one at a time: the next waits for the offer the first asked for.
    turns.request(recordedAsk(sent, 'sections'));
    expect(sent).toEqual(['published']);
    turns.offerReceived();
    turns.answered();
    expect(sent).toEqual(['published', 'sections']);
    turns.close();
  });

  it('keeps the hold for rtc-node and for clients that do not say which SDK they are', () => {
    expect(askHoldFor(ClientInfo_SDK.NODE)).toBe(ASK_HOLD_MS);
    expect(askHoldFor(ClientInfo_SDK.RUST)).toBe(ASK_HOLD_MS);
    expect(askHoldFor(undefined)).toBe(ASK_HOLD_MS);
  });
});
