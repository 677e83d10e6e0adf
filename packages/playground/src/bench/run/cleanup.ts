import { progress } from './progress.js';

type Cleanup = () => Promise<void> | void;

const cleanups = new Set<Cleanup>();
/** How long an interrupted run waits for its cleanups before it exits anyway. */
const CLEANUP_LIMIT_MS = 10_000;

/**
 * Registers something the bench started (a process group, a browser, a server) to stop on
 * SIGINT or SIGTERM; returns the function that unregisters it once it was stopped normally.
 */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

async function stopEverything(signal: NodeJS.Signals): Promise<void> {
  progress(`${signal}: stopping ${cleanups.size} thing(s) the bench started`);
  const all = Promise.allSettled([...cleanups].map(async (cleanup) => cleanup()));
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, CLEANUP_LIMIT_MS))]);
  // 128 + the signal's number, as a shell reports a process ended by it.
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/**
 * SIGINT (Ctrl+C) and SIGTERM stop whatever is registered, then exit. Without this Node would
 * die at once and leave the worker's process group behind: it runs detached, so a terminal's
 * Ctrl+C never reaches its job processes or the framework's inference process. A second
 * signal exits at once; the exit handlers still kill the process groups.
 */
export function stopEverythingOnSignals(): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
      stopping = true;
      void stopEverything(signal);
    });
  }
}

/** Sends `signal` to a process group (negative pid); a group already gone is fine. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  try {
    if (pid) process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
