/**
 * Settles as `operation` does, or rejects with `failure()` once `ms` have passed, whichever
 * comes first. The timer is cleared as soon as either happens, so it never outlives the wait;
 * `operation` itself goes on (stopping it is the caller's job).
 *
 * A plain timer rather than `timers/promises` or `AbortSignal.timeout`: those need an
 * `AbortController` to be cancelled or cannot be cancelled at all, and reject with an
 * `AbortError` or `TimeoutError` that would still have to become `failure()`.
 */
export async function withinTimeLimit<T>(
  operation: PromiseLike<T>,
  ms: number,
  failure: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(failure()), ms);
  });
  try {
    return await Promise.race([operation, limit]);
  } finally {
    clearTimeout(timer);
  }
}
