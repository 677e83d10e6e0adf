import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** `[pid, ppid, state]` of every process, from /proc. */
function processTable(): { pid: number; ppid: number; state: string }[] {
  const table: { pid: number; ppid: number; state: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: split after its end.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.push({ pid: Number(entry), state: fields[0] ?? '', ppid: Number(fields[1]) });
    } catch {
      // exited while we looked
    }
  }
  return table;
}

/** Every live descendant of `root` (children, grandchildren, …). */
export function descendants(root: number): number[] {
  const table = processTable();
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const { pid, ppid } of table) {
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

/** Whether `pid` is still running (a zombie counts as gone: it holds no resources but its pid). */
export function isRunning(pid: number): boolean {
  const entry = processTable().find((p) => p.pid === pid);
  return entry !== undefined && entry.state !== 'Z';
}

/** Whether something accepts TCP connections on `127.0.0.1:port`. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
