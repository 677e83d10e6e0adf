/** The orphan guard, as a URL Node's `--import` accepts. */
export const ORPHAN_GUARD_URL = new URL('./orphan-guard.js', import.meta.url).href;

/**
 * Makes every process the framework forks from now on (job processes, the inference
 * process) load the orphan guard first. The framework forks with Node's default
 * `execArgv`, which is this process's `process.execArgv`, read at each fork.
 */
export function guardForkedProcesses(): void {
  const flag = `--import=${ORPHAN_GUARD_URL}`;
  if (!process.execArgv.includes(flag)) process.execArgv.push(flag);
}
