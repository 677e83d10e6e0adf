import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { AccessToken } from 'livekit-server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { parseKeys, resolveOptions } from './options.js';

// The committed launcher npm links as the bin; it runs dist/cli.js, which `npm test` builds first.
const BIN = fileURLToPath(new URL('../../bin/voice-agent-devserver.js', import.meta.url));

describe('command line options', () => {
  it('defaults to LiveKit dev conventions: port 7880, devkey: secret', () => {
    expect(resolveOptions([], {})).toEqual({
      port: 7880,
      host: '127.0.0.1',
      keys: { devkey: 'secret' },
    });
  });

  it('takes --port and --keys over PORT and LIVEKIT_KEYS', () => {
    const env = { PORT: '9000', LIVEKIT_KEYS: 'envkey: envsecret' };
    expect(resolveOptions([], env)).toMatchObject({ port: 9000, keys: { envkey: 'envsecret' } });
    expect(resolveOptions(['--port', '0', '--keys', 'a: b, c: d'], env)).toMatchObject({
      port: 0,
      keys: { a: 'b', c: 'd' },
    });
  });

  it('refuses bad ports and keys with stable codes', () => {
    expect(() => resolveOptions(['--port', 'eighty'], {})).toThrow(
      expect.objectContaining({ code: 'invalid_port' }),
    );
    expect(() => parseKeys('nocolon')).toThrow(expect.objectContaining({ code: 'invalid_keys' }));
    expect(() => resolveOptions(['--bogus'], {})).toThrow(
      expect.objectContaining({ code: 'invalid_arguments' }),
    );
  });
});

describe('voice-agent-devserver bin', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
  });

  it('prints its usage for --help and exits with status 0 without listening', async () => {
    child = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output).toContain('Usage: voice-agent-devserver');
    expect(output).toContain('--keys');
    expect(output).not.toContain('ws://');
  });

  it('prints its URL and keys, accepts tokens signed with them, and exits cleanly on SIGTERM', async () => {
    child = spawn(process.execPath, [BIN, '--port', '0', '--keys', 'clikey: clisecret'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /(ws:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1] && output.includes('clisecret')) resolve(match[1]);
      });
      child?.once('exit', () => reject(new Error(`exited early: ${output}`)));
    });
    expect(output).toContain('API key: clikey');
    const token = new AccessToken('clikey', 'clisecret', { identity: 'cli' });
    token.addGrant({ roomJoin: true, room: 'cli-room' });
    const response = await fetch(
      `${url.replace('ws://', 'http://')}/rtc/validate?access_token=${await token.toJwt()}`,
    );
    expect(response.status).toBe(200);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
