import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// What a user gets from `npm install @voice-agent/agent`: the packed package and its
// dependencies from the registry, in an empty folder, with no patch-package patches. The
// fixes for goAway, 1011 and the rest must work there too. Slow (an npm install), bounded.

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
// Workspace packages the agent depends on, packed beside it (they are not on the registry yet).
const WORKSPACE_DEPENDENCIES = [fileURLToPath(new URL('../../../protocol', import.meta.url))];
const FIXTURE = fileURLToPath(new URL('./conversation.fixture.mjs', import.meta.url));

let folder: string | undefined;
afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('the packed package, installed from the registry with no patches', () => {
  it('keeps a conversation through a goAway and a 1011 against the stand-in', async () => {
    folder = await mkdtemp(join(tmpdir(), 'voice-agent-pack-'));
    const tarballs: string[] = [];
    for (const cwd of [...WORKSPACE_DEPENDENCIES, PACKAGE_DIR]) {
      const pack = ['pack', '--json', '--pack-destination', folder];
      const { stdout: packed } = await run('npm', pack, { cwd, timeout: 60_000 });
      const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
      tarballs.push(`./${filename}`);
    }
    await writeFile(
      join(folder, 'package.json'),
      JSON.stringify({ name: 'pack-check', private: true, type: 'module' }),
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], {
      cwd: folder,
      timeout: 420_000,
    });
    // Nothing patched: the framework is the registry's.
    const activity = await readFile(
      join(folder, 'node_modules/@livekit/agents/dist/voice/agent_activity.js'),
      'utf8',
    );
    expect(activity).not.toContain('voice-agent patch');

    await copyFile(FIXTURE, join(folder, 'conversation.mjs'));
    const { stdout } = await run('node', ['conversation.mjs'], { cwd: folder, timeout: 90_000 });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    const result = JSON.parse(line?.slice('RESULT '.length) ?? '{}');
    expect(result.transcript).toEqual([
      'user: My name is Grace.',
      'assistant: Your name is Grace.',
      'user: What is my name?',
      'assistant: Your name is Grace.',
      'user: And now?',
      'assistant: Your name is Grace.',
    ]);
    expect(result.deliveries).toEqual(['once', 'once']);
    expect(result.statuses).toEqual(['connected', 'reconnecting', 'connected']);
    // The goAway connection was left by the client before its deadline; the other was cut.
    expect(result.ends[0]).toMatch(/^client /);
    expect(result.ends[1]).toBe('server 1011');
    expect(result.closed).toBe(false);
  }, 600_000);
});
