import { execFile } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CHROMIUM_PATH } from '@voice-agent/testing';

const run = promisify(execFile);

/** The user Chromium runs as, so that iptables' owner match finds its packets. */
const CUT_USER = 'nobody';
const CUT_UID = '65534';
/** The connection mark of every flow Chromium takes part in (any value nothing else uses). */
const MARK = '0x7a11';

/**
 * A launcher that runs Debian's Chromium as {@link CUT_USER}: it gives that user the profile
 * Playwright creates, the fake microphone's file and a home of its own.
 */
export async function chromiumAsCutUser(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'voice-agent-cut-'));
  const path = join(dir, 'chromium-as-nobody.sh');
  await writeFile(
    path,
    `#!/bin/sh
home=$(mktemp -d)
chown ${CUT_USER} "$home"
for arg in "$@"; do
  case "$arg" in
    --user-data-dir=*) chown -R ${CUT_USER} "\${arg#--user-data-dir=}" ;;
    --use-file-for-fake-audio-capture=*)
      file="\${arg#--use-file-for-fake-audio-capture=}"
      chmod a+rx "$(dirname "$file")"; chmod a+r "$file" ;;
  esac
done
exec runuser -u ${CUT_USER} -- env HOME="$home" ${CHROMIUM_PATH} "$@"
`,
  );
  await chmod(path, 0o755);
  return path;
}

async function iptables(table: string, ...rule: string[]): Promise<void> {
  await run('iptables', ['-w', '-t', table, ...rule]);
}

const MARK_RULE = [
  'OUTPUT',
  '-m',
  'owner',
  '--uid-owner',
  CUT_UID,
  '-j',
  'CONNMARK',
  '--set-mark',
  MARK,
];
const DROP_RULES = [
  // Everything Chromium sends, loopback included…
  ['OUTPUT', '-m', 'owner', '--uid-owner', CUT_UID, '-j', 'DROP'],
  // …and everything sent to it on a flow it took part in (the dev server's UDP media too).
  ['OUTPUT', '-m', 'connmark', '--mark', MARK, '-j', 'DROP'],
];

/**
 * Cuts the network of Chromium (run by {@link chromiumAsCutUser}) for real, both ways: its
 * WebSocket, its WebRTC media and data, and its HTTP requests. Call {@link start} before the
 * call begins (it marks Chromium's flows), then `cut()` and `restore()`; `close()` removes
 * every rule it added, and only those.
 */
export class NetworkCut {
  #marking = false;
  #cut = false;

  async start(): Promise<void> {
    await iptables('mangle', '-A', ...MARK_RULE);
    this.#marking = true;
  }

  async cut(): Promise<void> {
    for (const rule of DROP_RULES) await iptables('filter', '-I', ...rule);
    this.#cut = true;
  }

  async restore(): Promise<void> {
    if (!this.#cut) return;
    this.#cut = false;
    for (const rule of DROP_RULES) await iptables('filter', '-D', ...rule).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.restore();
    if (this.#marking) await iptables('mangle', '-D', ...MARK_RULE).catch(() => undefined);
    this.#marking = false;
  }
}
