import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
export const TICKS_PER_SECOND = 100;

export interface ProcessSample {
  ticks: number;
  rssKb: number;
}

export function readProcess(pid: number): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name (in parentheses): state, ppid, …; utime and stime are 14th/15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { ticks, rssKb: Number(rss?.[1] ?? 0) };
  } catch {
    return undefined;
  }
}

/** `pid` and every live descendant of it. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited while we looked
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/** CPU (in cores: 1 = one core fully busy) and resident memory of a process and its children. */
export interface Usage {
  cpu: number;
  rssMb: number;
}

/** Measures a process tree over `ms`: CPU used in that time, memory at its end. */
export async function measureUsage(pid: number, ms: number): Promise<Usage> {
  const before = new Map(processTree(pid).map((p) => [p, readProcess(p)?.ticks ?? 0]));
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  let ticks = 0;
  let rssKb = 0;
  for (const p of processTree(pid)) {
    const sample = readProcess(p);
    if (!sample) continue;
    ticks += sample.ticks - (before.get(p) ?? 0);
    rssKb += sample.rssKb;
  }
  const seconds = (performance.now() - started) / 1000;
  return { cpu: ticks / TICKS_PER_SECOND / seconds, rssMb: rssKb / 1024 };
}

/** Measures several process trees over the same `ms`. */
export async function measureUsages(pids: number[], ms: number): Promise<Usage[]> {
  return Promise.all(pids.map((pid) => measureUsage(pid, ms)));
}

/** Busy ticks of the whole machine so far (/proc/stat: every state but idle and iowait). */
function machineBusyTicks(): number {
  const [total = ''] = readFileSync('/proc/stat', 'utf8').split('\n', 1);
  const [, user, nice, system, , , irq, softirq, steal] = total.trim().split(/\s+/).map(Number);
  return [user, nice, system, irq, softirq, steal].reduce<number>((sum, t) => sum + (t ?? 0), 0);
}

/**
 * What runs `during` costs this process alone (not its children: the worker and the dev
 * server are measured on their own) and the whole machine, in cores.
 */
export async function measureAround(
  during: Promise<unknown>,
): Promise<{ thisProcess: number; machine: number }> {
  const started = performance.now();
  const own = process.cpuUsage();
  const machine = machineBusyTicks();
  await during;
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(own);
  return {
    thisProcess: (user + system) / 1e6 / seconds,
    machine: (machineBusyTicks() - machine) / TICKS_PER_SECOND / seconds,
  };
}
