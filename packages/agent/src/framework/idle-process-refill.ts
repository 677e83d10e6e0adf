import { FRAMEWORK_INDEX, requireFrameworkVersion } from './framework-version.js';
import { FrameworkShapeError } from './google-plugin.js';

/**
 * @livekit/agents 1.9.0's worker keeps `--idle-processes` job processes booted. The moment a
 * job takes one (`ProcPool.launchJob`), the pool boots its replacement: importing the
 * framework costs that process about 1.7 s of CPU, on the same cores where the job is
 * connecting (LiveKit, WebRTC, the Gemini session). On 2 cores that made every connect
 * slower. Here the replacement waits until the job says it is in the call (its session
 * started), or it ended, or {@link REFILL_DEFERRAL_LIMIT_MS} passed, but only while another
 * booted process is still waiting: the visitor after this one is served at once anyway, and a
 * burst that takes the last one gets every replacement booting at once, as before.
 */

/**
 * What a job process sends its worker once it is in the call. On the framework's IPC channel
 * (whose 1.9.0 listeners ignore cases they do not know), not the job channel: it arrives on
 * the very child process the pool entry holds.
 */
export const JOB_SETTLED_MESSAGE = { case: 'voiceAgentJobSettled' } as const;

/**
 * The longest a replacement waits for its job to settle. A connect takes about 1 s (p50) on
 * 2 cores, a few seconds at worst; a job still not in its call by then (its visitor left
 * before the agent joined, or its entry failed) should not keep the pool short for longer.
 */
export const REFILL_DEFERRAL_LIMIT_MS = 5_000;

/** Tells the worker this job process is in its call (nothing outside a worker's job process). */
export function reportJobSettled(): void {
  if (!process.connected || !process.send) return;
  // A worker that is gone cannot read it; the callback keeps that from being an error event.
  process.send(JOB_SETTLED_MESSAGE, () => undefined);
}

/** The child process of a `JobProcExecutor` (its `proc`), as read here. */
interface ForkedProcess {
  on(event: 'message' | 'exit', listener: (message?: unknown) => void): unknown;
  off(event: 'message' | 'exit', listener: (message?: unknown) => void): unknown;
  readonly exitCode: number | null;
}

/** A booted process in the pool's queue, with the pool slot its replacement waits for. */
interface WarmedEntry {
  proc: { proc?: ForkedProcess; launchJob(info: unknown): Promise<void> };
  unlock(): void;
}

/** The `ProcPool` fields read here (TypeScript-private in the framework, plain properties). */
interface Pool {
  procMutex?: unknown;
  warmedProcQueue: { items: unknown[]; get(): Promise<WarmedEntry> };
  launchJob(info: unknown): Promise<void>;
}

/** Replacements waiting, per pool: each starts its boot when called (once). */
const waiting = new WeakMap<Pool, Set<() => void>>();
let refillDeferred = false;

/**
 * Makes the worker's pool defer booting a replacement idle process while its job connects.
 * Call before the worker is built.
 * @throws {FrameworkShapeError} when the installed framework is not the one this is written for.
 */
export async function deferIdleProcessRefill(): Promise<void> {
  requireFrameworkVersion('idle process refill', '1.9.0');
  const { ProcPool } = (await import(new URL('./ipc/proc_pool.js', FRAMEWORK_INDEX).href)) as {
    ProcPool?: { prototype: Pool };
  };
  const proto = ProcPool?.prototype;
  const launchJob = proto?.launchJob;
  if (!proto || typeof launchJob !== 'function' || launchJob.length !== 1) {
    throw new FrameworkShapeError('ProcPool.launchJob(info) moved');
  }
  if (refillDeferred) return;
  refillDeferred = true;

  proto.launchJob = async function (this: Pool, info: unknown): Promise<void> {
    // Without idle processes (`dev`) each job forks its own: nothing is refilled.
    if (!this.procMutex) return launchJob.call(this, info);
    const queue = this.warmedProcQueue;
    if (!Array.isArray(queue?.items) || typeof queue.get !== 'function') {
      throw new FrameworkShapeError('ProcPool.warmedProcQueue is no longer a queue');
    }
    const entry = await queue.get();
    const job = entry?.proc?.proc;
    if (typeof entry?.unlock !== 'function' || typeof job?.on !== 'function') {
      throw new FrameworkShapeError("ProcPool's warmed entries no longer hold { proc, unlock }");
    }
    const pending = waiting.get(this) ?? new Set();
    waiting.set(this, pending);
    if (queue.items.length === 0) {
      // The last booted process is taken: every replacement starts booting now.
      for (const refill of [...pending]) refill();
      entry.unlock();
    } else {
      deferRefill(pending, entry.unlock, job);
    }
    await entry.proc.launchJob(info);
  };
}

/** Holds `unlock` (the replacement's boot) until `job` settles or exits, or the limit passed. */
function deferRefill(pending: Set<() => void>, unlock: () => void, job: ForkedProcess): void {
  const onMessage = (message?: unknown) => {
    if ((message as { case?: unknown } | undefined)?.case === JOB_SETTLED_MESSAGE.case) refill();
  };
  const refill = () => {
    if (!pending.delete(refill)) return;
    clearTimeout(timer);
    job.off('message', onMessage);
    job.off('exit', refill);
    unlock();
  };
  // The worker's own shutdown does not wait for it.
  const timer = setTimeout(refill, REFILL_DEFERRAL_LIMIT_MS).unref();
  pending.add(refill);
  job.on('message', onMessage);
  job.on('exit', refill);
  if (job.exitCode !== null) refill();
}
