/** A wait that ran out of time: its message says what was awaited and for how long. */
export class TimeLimitError extends Error {
  override readonly name = 'TimeLimitError';
}

/**
 * `promise`, or a `TimeLimitError` after `ms`: no wait of the bench is open-ended. `detail`
 * (called on timeout) adds what was seen meanwhile, e.g. the widget's states. Not the agents
 * framework's `waitUntilTimeout`: that error cannot wait for an asynchronous `detail`.
 */
export async function withinLimit<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  detail?: () => string | Promise<string>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void Promise.resolve(detail?.() ?? '')
        .catch(() => '')
        .then((seen) =>
          reject(
            new TimeLimitError(`${what}: nothing after ${ms / 1000} s${seen ? ` (${seen})` : ''}`),
          ),
        );
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
