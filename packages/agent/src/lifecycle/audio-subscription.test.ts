import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { type Room, RoomEvent } from '@livekit/rtc-node';
import { waitFor } from '@voice-agent/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spokenTurn } from '../testing/index.js';
import { AUDIO_SUBSCRIPTION_LIMIT_MS, watchAudioSubscription } from './audio-subscription.js';
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

// A real worker (CLI, job processes) whose visitor never subscribes to the agent's audio, as
// when a negotiation between a client and the server is lost (rtc-node with autoSubscribe
// off here). The model answers the greeting, but the framework plays nothing, captions
// included, before a subscription: without a limit the agent sat `listening` for the rest of
// the call, silent, with no error anywhere (the CI flake of the identity e2e test).

const GREETING = 'Hello, visitor!';

describe('an agent whose audio nobody subscribes to', { timeout: 90_000 }, () => {
  it('ends the session with an error after the limit, and leaves the room', async () => {
    const stack = await startStack({
      reactions: [{ on: 'clientTurn', reply: spokenTurn(GREETING) }],
    });
    const config = { instructions: 'You are a test agent.', greeting: GREETING };
    await writeFile(stack.config, JSON.stringify(config));
    const worker = spawnCliWorker(stack, 'unheard-agent');
    try {
      await worker.registered;
      const { room, listening } = await visitor(stack, 'unheard', 'unheard-agent', {
        autoSubscribe: false,
        dynacast: false,
      });
      const agent = await listening;
      const listeningAt = Date.now();
      // The model was asked for the greeting and answered it: the loss is on the way out.
      await stack.standIn.waitFor('clientContent', (m) =>
        JSON.stringify(m.message).includes(GREETING),
      );
      const leftAt = await waitFor(
        () => (room.remoteParticipants.has(agent.identity) ? undefined : Date.now()),
        { timeoutMs: AUDIO_SUBSCRIPTION_LIMIT_MS + 20_000, what: 'the agent to leave' },
      );
      expect(leftAt - listeningAt).toBeGreaterThan(AUDIO_SUBSCRIPTION_LIMIT_MS - 5_000);
      expect(worker.output.join('\n')).toContain("nobody subscribed to the agent's audio");
      await room.disconnect();
    } finally {
      worker.killGroup();
      await stack.close();
    }
  });
});
