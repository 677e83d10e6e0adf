import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dispatchedAgent,
  expectError,
  expectToken,
  PAGE_ORIGIN,
  TEST_CREDENTIALS,
  tokenRequest,
} from './testing/fixtures.js';

// The built bin, as `npm test` runs it after `npm run build`.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const SERVICE_ENV = {
  LIVEKIT_URL: TEST_CREDENTIALS.livekitUrl,
  LIVEKIT_API_KEY: TEST_CREDENTIALS.apiKey,
  LIVEKIT_API_SECRET: TEST_CREDENTIALS.apiSecret,
  HOST: '127.0.0.1',
  PORT: '0',
};

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

/** Spawns the CLI with only the given variables (plus PATH), never the caller's secrets. */
function runCli(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [CLI], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    run.stderr += chunk.toString();
  });
  return run;
}

/** Waits for the line that announces the URL; fails with the output if the CLI exits first. */
async function listeningUrl(run: Run): Promise<string> {
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(run.stdout)?.[1];
    if (url) return url;
    if (run.child.exitCode !== null) {
      throw new Error(`CLI exited with ${run.child.exitCode}: ${run.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('voice-agent-server CLI over real HTTP', () => {
  let run: Run;
  let url: string;

  beforeAll(async () => {
    run = runCli({ ...SERVICE_ENV, AGENT_NAME: 'sales,support', RATE_LIMIT_PER_MINUTE: '6' });
    url = await listeningUrl(run);
  });

  afterAll(async () => {
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('prints its URL and never a secret', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.stdout + run.stderr).not.toContain(TEST_CREDENTIALS.apiSecret);
  });

  it('serves tokens that livekit-server-sdk verifies', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const claims = await expectToken(
      await fetch(
        `${url}/token`,
        tokenRequest({ room_config: { agents: [{ agent_name: 'support' }] } }),
      ),
    );
    expect(claims.video?.roomJoin).toBe(true);
    expect(claims.video?.canPublishSources).toEqual(['microphone']);
    expect(dispatchedAgent(claims)).toBe('support');
  });

  it('refuses over the wire: origin, room, size, JSON, types, then the rate limit', async () => {
    const post = (body: unknown, origin?: string) =>
      fetch(`${url}/token`, tokenRequest(body, origin ? { origin } : {}));
    await expectError(await post({}, 'https://evil.example'), 403, 'origin_not_allowed');
    await expectError(await post({ room_name: 'board' }), 403, 'room_not_allowed');
    await expectError(
      await post(JSON.stringify({ participant_metadata: 'x'.repeat(20_000) })),
      413,
      'body_too_large',
    );
    await expectError(await post('{oops'), 400, 'invalid_json');
    await expectError(await post({ participant_name: 3 }), 400, 'invalid_request');
    // The token above and the four refusals after the origin check used 5 of 6.
    await expectToken(await post({}));
    const limited = await post({});
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    await expectError(limited, 429, 'rate_limited');
  });
});

describe('voice-agent-server CLI configuration errors', () => {
  it('exits non-zero naming the missing variable', async () => {
    const { LIVEKIT_API_SECRET: _omitted, ...withoutSecret } = SERVICE_ENV;
    const run = runCli(withoutSecret);
    expect(await run.exit).toBe(1);
    expect(run.stderr).toContain('missing environment variable(s): LIVEKIT_API_SECRET');
    expect(run.stdout).toBe('');
  });

  it('exits non-zero when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as AddressInfo).port);
    try {
      const run = runCli({ ...SERVICE_ENV, PORT: port });
      expect(await run.exit).toBe(1);
      expect(run.stderr).toContain(`cannot listen on port ${port}`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('exits non-zero on an invalid value, naming the variable and not the secret', async () => {
    const run = runCli({ ...SERVICE_ENV, TOKEN_TTL: '86400' });
    expect(await run.exit).toBe(1);
    expect(run.stderr).toContain('TOKEN_TTL');
    expect(run.stderr).not.toContain(TEST_CREDENTIALS.apiSecret);
  });
});
