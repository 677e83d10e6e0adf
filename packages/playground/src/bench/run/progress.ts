/** When the bench started: progress lines say how long it has been running. */
const STARTED = performance.now();

/** Seconds since the bench started, one decimal. */
export function elapsed(): string {
  return `${((performance.now() - STARTED) / 1000).toFixed(1)} s`;
}

/**
 * One progress line on stderr: what runs and how far, with the time since the start. Stdout
 * stays for the report, so `npm run bench > report.md` still shows progress.
 */
export function progress(line: string): void {
  process.stderr.write(`[bench ${elapsed()}] ${line}\n`);
}
