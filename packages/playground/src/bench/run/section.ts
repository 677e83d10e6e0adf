import { loadavg } from 'node:os';
import { TimeLimitError, withinLimit } from './limits.js';
import { elapsed, progress } from './progress.js';

/** How a section went: its figures or why there are none, and the machine around it. */
export type Outcome<T> = {
  section: string;
  /** One-minute load average before and after the section ran. */
  load: { before: number; after: number };
  seconds: number;
} & ({ ok: true; value: T } | { ok: false; reason: string; value?: T });

/**
 * A figure the bench could not measure, with why (agents missing, worker FULL, turns
 * unanswered). A section that throws it still hands back what it did measure, for the report.
 */
export class Unmeasured<T = unknown> extends Error {
  override readonly name = 'Unmeasured';
  constructor(
    reason: string,
    readonly partial?: T,
  ) {
    super(reason);
  }
}

/** An error's first line, without the stack an in-page error (`page.evaluate`) carries. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? text).replace(/^page\.evaluate: (Error: )?/, '');
}

/** When the whole run must be over (`performance.now()` ms): no section runs past it. */
let runDeadline = Number.POSITIVE_INFINITY;

/** The whole run's budget from now: each section's limit is cut to what is left of it. */
export function setRunBudget(ms: number): void {
  runDeadline = performance.now() + ms;
}

/** How long a section that ran out of time gets to stop what it started. */
const WIND_DOWN_MS = 15_000;

/**
 * Runs one section within `limitMs` (or what is left of the run's budget), never throwing: a
 * failure becomes an outcome with its reason, and the run goes on to the next section. Out of
 * time, the section's `signal` aborts and the run waits (at most 15 s) for it to stop what it
 * started: a section left running would measure into the next one.
 */
export async function runSection<T>(
  section: string,
  ownLimitMs: number,
  measure: (signal: AbortSignal) => Promise<T>,
): Promise<Outcome<T>> {
  const before = loadavg()[0] ?? 0;
  const started = performance.now();
  const limitMs = Math.floor(Math.min(ownLimitMs, runDeadline - started));
  if (limitMs <= 0) {
    const reason = "no time left in the run's budget";
    progress(`${section}: FAILED: ${reason}`);
    return { section, ok: false, reason, load: { before, after: before }, seconds: 0 };
  }
  progress(
    `${section}: starting (limit ${Math.round(limitMs / 1000)} s, load ${before.toFixed(2)})`,
  );
  const finish = () => ({
    section,
    load: { before, after: loadavg()[0] ?? 0 },
    seconds: (performance.now() - started) / 1000,
  });
  const controller = new AbortController();
  const measuring = measure(controller.signal);
  try {
    const value = await withinLimit(measuring, limitMs, `the ${section} section`);
    const outcome = { ...finish(), ok: true as const, value };
    progress(`${section}: done in ${outcome.seconds.toFixed(0)} s (run at ${elapsed()})`);
    return outcome;
  } catch (error) {
    // Out of time, what the section measured before it stopped is still reported.
    let stoppedWith: unknown = error;
    if (error instanceof TimeLimitError) {
      controller.abort(error);
      const stopped = measuring.then(
        () => undefined,
        (late: unknown) => late,
      );
      stoppedWith = await withinLimit(stopped, WIND_DOWN_MS, `the ${section} section stopping`)
        .catch(() => progress(`${section}: still stopping after ${WIND_DOWN_MS / 1000} s`))
        .then((late) => late ?? error);
    }
    const reason = firstLine(error);
    const partial =
      stoppedWith instanceof Unmeasured ? (stoppedWith.partial as T | undefined) : undefined;
    progress(`${section}: FAILED: ${reason}`);
    return { ...finish(), ok: false, reason, ...(partial === undefined ? {} : { value: partial }) };
  }
}
