/**
 * Loaded (`--import`) into every process the worker forks: job processes, idle ones and the
 * framework's inference process. @livekit/agents 1.9 lets them ignore SIGTERM and notice a
 * dead worker only after 15 s without pings (then a job process still waits for its
 * session), so after a `kill -9` of the worker they ran on for minutes. Here the IPC channel
 * closing (the worker is gone) ends the process: at once when it runs no call, else after
 * the call's own ending (see `onWorkerGone`), and in any case within `ORPHAN_EXIT_MS`.
 */

/** The longest an orphaned process lives once its worker is gone. */
export const ORPHAN_EXIT_MS = 5_000;

/** What a send on the IPC channel fails with once the worker at its other end is gone. */
const CHANNEL_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED']);

type Ending = () => Promise<void>;
const endings = new Set<Ending>();
let orphaned = false;

/**
 * Runs `ending` when the worker that forked this process is gone (the job tells its visitor
 * and leaves the room); the process exits once every ending has settled or `ORPHAN_EXIT_MS`
 * passed. Returns a function that unregisters it.
 */
export function onWorkerGone(ending: Ending): () => void {
  endings.add(ending);
  return () => endings.delete(ending);
}

/** Whether this process's worker is gone. */
export function isOrphaned(): boolean {
  return orphaned;
}

function exitOrphan(): void {
  if (orphaned) return;
  orphaned = true;
  setTimeout(() => process.exit(0), ORPHAN_EXIT_MS);
  const running = [...endings].map((ending) => ending().catch(() => undefined));
  void Promise.all(running).then(() => process.exit(0));
}

/** Installs the guard in a process forked with an IPC channel (not in the worker itself). */
export function installOrphanGuard(): void {
  if (!process.send) return;
  process.once('disconnect', exitOrphan);
  // A send to a dead worker fails asynchronously ('error' on process, EPIPE). Unhandled, it
  // kills the process before the call can tell its visitor why; it means the worker is gone.
  process.on('error', (error: NodeJS.ErrnoException) => {
    if (!CHANNEL_GONE.has(error.code ?? '')) throw error;
    exitOrphan();
  });
  // The framework ignores SIGTERM in its child processes (the worker drains them); once the
  // worker is gone nobody would, so SIGTERM ends an orphan like any other process.
  process.on('SIGTERM', () => {
    if (!process.connected) process.exit(143);
  });
}

installOrphanGuard();
