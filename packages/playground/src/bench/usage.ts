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

/** Busy ticks of the whole machine so far (/proc/stat: every state but idle and iowait). */
function machineBusyTicks(): number {
  const [total = ''] = readFileSync('/proc/stat', 'utf8').split('\n', 1);
  const [, user, nice, system, , , irq, softirq, steal] = total.trim().split(/\s+/).map(Number);
  return [user, nice, system, irq, softirq, steal].reduce<number>((sum, t) => sum + (t ?? 0), 0);
}

/** What one window of time cost, every figure over the same window. */
export interface WindowUsage {
  /** Per pid given, it and its children. */
  trees: Usage[];
  /** This process alone (not its children: they are measured as trees of their own), cores. */
  thisProcess: number;
  /** Every process of the machine, neighbours included, cores. */
  machine: number;
}

/**
 * Measures `ms` from now: the CPU of each process tree of `pids`, of this process and of the
 * whole machine in that time, and the trees' memory at its end. Start and end are sampled
 * once for all of them, so that the figures compared in one report row cover the same time.
 */
export async function measureWindow(pids: number[], ms: number): Promise<WindowUsage> {
  const treesBefore = pids.map(
    (pid) => new Map(processTree(pid).map((p) => [p, readProcess(p)?.ticks ?? 0])),
  );
  const own = process.cpuUsage();
  const machineBefore = machineBusyTicks();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(own);
  const machine = machineBusyTicks() - machineBefore;
  const trees = pids.map((pid, i) => {
    const before = treesBefore[i] ?? new Map<number, number>();
    let ticks = 0;
    let rssKb = 0;
    for (const p of processTree(pid)) {
      const sample = readProcess(p);
      if (!sample) continue;
      ticks += sample.ticks - (before.get(p) ?? 0);
      rssKb += sample.rssKb;
    }
    return { cpu: ticks / TICKS_PER_SECOND / seconds, rssMb: rssKb / 1024 };
  });
  return {
    trees,
    thisProcess: (user + system) / 1e6 / seconds,
    machine: machine / TICKS_PER_SECOND / seconds,
  };
}
