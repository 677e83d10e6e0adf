import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { type Room, RoomEvent } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spokenTurn } from '../testing/index.js';
import {
  AUDIO_SUBSCRIPTION_LIMIT_MS,
  AUDIO_SUBSCRIPTION_LIMIT_VARIABLE,
  audioSubscriptionLimitMs,
  watchAudioSubscription,
} from './audio-subscription.js';
import { spawnCliWorker, startStack, visitor } from './stack.test-helper.js';

describe('watchAudioSubscription', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A room with `present` in it; emits what rtc-node's Room does. */
  function fakeRoom(present: boolean) {
    const room = Object.assign(new EventEmitter(), {
      remoteParticipants: new Map(present ? [['visitor', {}]] : []),
    });
    return room as unknown as typeof room & Room;
  }

  it('says so once the limit passed with nobody subscribed, and not before', () => {
    vi.useFakeTimers();
    const onUnheard = vi.fn();
    watchAudioSubscription(fakeRoom(true), 'visitor', 1_000, onUnheard);
    vi.advanceTimersByTime(999);
    expect(onUnheard).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onUnheard).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5_000);
    expect(onUnheard).toHaveBeenCalledTimes(1);
  });

  it('never says so after a subscription, or once stopped', () => {
    vi.useFakeTimers();
    const onUnheard = vi.fn();
    const room = fakeRoom(true);
    watchAudioSubscription(room, 'visitor', 1_000, onUnheard);
    room.emit(RoomEvent.LocalTrackSubscribed, {});
    watchAudioSubscription(room, 'visitor', 1_000, onUnheard)();
    vi.advanceTimersByTime(5_000);
    expect(onUnheard).not.toHaveBeenCalled();
    expect(room.listenerCount(RoomEvent.LocalTrackSubscribed)).toBe(0);
  });

  it("is 15 s in a worker, unless the worker's environment sets another", () => {
    expect(audioSubscriptionLimitMs({})).toBe(AUDIO_SUBSCRIPTION_LIMIT_MS);
    expect(AUDIO_SUBSCRIPTION_LIMIT_MS).toBe(15_000);
    expect(audioSubscriptionLimitMs({ [AUDIO_SUBSCRIPTION_LIMIT_VARIABLE]: '3000' })).toBe(3_000);
  });

  it('waits again while the visitor is away (their grace period decides), then says so', () => {
    vi.useFakeTimers();
    const onUnheard = vi.fn();
    const room = fakeRoom(false);
    watchAudioSubscription(room, 'visitor', 1_000, onUnheard);
    vi.advanceTimersByTime(2_500);
    expect(onUnheard).not.toHaveBeenCalled();
    room.remoteParticipants.set('visitor', {});
    vi.advanceTimersByTime(500);
    expect(onUnheard).toHaveBeenCalledTimes(1);
  });
});

// A real worker (CLI, job processes) with a short limit, and two visitors: one subscribes to
// the agent's audio (rtc-node's default), the other never does, as when a negotiation
// between a client and the server is lost (autoSubscribe off). Without a limit, the second
// agent sat `listening` for the rest of the call, its greeting and answers unheard (the
// framework plays nothing, captions included, before a subscription), with no error anywhere
// (the CI flake of the identity e2e test).

const GREETING = 'Hello, visitor!';
const LIMIT_MS = 3_000;

describe("the limit on a subscription to the agent's audio, on a real worker", {
  timeout: 90_000,
}, () => {
  it('keeps the session of a visitor who subscribed, and ends the one nobody hears with an error', async () => {
    const stack = await startStack({
      reactions: [{ on: 'clientTurn', reply: spokenTurn(GREETING) }],
    });
    const config = { instructions: 'You are a test agent.', greeting: GREETING };
    await writeFile(stack.config, JSON.stringify(config));
    const worker = spawnCliWorker(stack, 'unheard-agent', [], {
      [AUDIO_SUBSCRIPTION_LIMIT_VARIABLE]: String(LIMIT_MS),
    });
    try {
      await worker.registered;
      const heard = await visitor(stack, 'heard', 'unheard-agent');
      const heardAgent = await heard.listening;
      // Dispatched once the first agent listens: its limit ends after the first one's.
      const unheard = await visitor(stack, 'unheard', 'unheard-agent', {
        autoSubscribe: false,
        dynacast: false,
      });
      const unheardAgent = await unheard.listening;
      await waitFor(
        () => (unheard.room.remoteParticipants.has(unheardAgent.identity) ? undefined : true),
        { timeoutMs: LIMIT_MS + 20_000, what: 'the agent nobody hears to leave' },
      );
      const unheardLines = worker.output.filter((line) =>
        line.includes("nobody subscribed to the agent's audio"),
      );
      expect(unheardLines).toHaveLength(1);
      expect(heard.room.remoteParticipants.has(heardAgent.identity)).toBe(true);
      await Promise.all([heard.room.disconnect(), unheard.room.disconnect()]);
    } finally {
      worker.killGroup();
      await stack.close();
    }
  });
});
