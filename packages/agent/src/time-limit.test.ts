import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withinTimeLimit } from './time-limit.js';

describe('withinTimeLimit', () => {
  const failure = vi.fn(() => new Error('too late'));

  beforeEach(() => {
    vi.useFakeTimers();
    failure.mockClear();
  });

  afterEach(() => {
    // Whatever the outcome, no timer is left to keep the process alive or to fire late.
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
  });

  it('resolves with the value of an operation that settles in time', async () => {
    await expect(withinTimeLimit(Promise.resolve(42), 1_000, failure)).resolves.toBe(42);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(failure).not.toHaveBeenCalled();
  });

  it("rejects with the operation's own error", async () => {
    const error = new Error('refused');
    await expect(withinTimeLimit(Promise.reject(error), 1_000, failure)).rejects.toBe(error);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(failure).not.toHaveBeenCalled();
  });

  it('rejects with failure() once the time has passed, not before', async () => {
    const outcome = vi.fn();
    const limited = withinTimeLimit(new Promise<never>(() => undefined), 1_000, failure);
    limited.then(outcome, outcome);
    await vi.advanceTimersByTimeAsync(999);
    expect(outcome).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expect(limited).rejects.toThrow('too late');
    expect(failure).toHaveBeenCalledOnce();
  });

  it('takes an operation that settles just before the limit', async () => {
    const operation = new Promise<string>((resolve) => setTimeout(() => resolve('done'), 999));
    const limited = withinTimeLimit(operation, 1_000, failure);
    await vi.advanceTimersByTimeAsync(999);
    await expect(limited).resolves.toBe('done');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(failure).not.toHaveBeenCalled();
  });
});
