import { parseArgs } from 'node:util';
import { DEFAULT_KEYS, DEFAULT_PORT } from '../server/dev-server.js';

/** Thrown for a bad command line or environment; `code` is stable. */
export class CliError extends Error {
  constructor(
    readonly code: 'invalid_port' | 'invalid_keys' | 'invalid_arguments',
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Parses keys as `livekit-server` takes them (`--keys`, `LIVEKIT_KEYS`): `key: secret`
 * pairs separated by commas or new lines.
 */
export function parseKeys(text: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const entry of text.split(/[\n,]/)) {
    if (!entry.trim()) continue;
    const match = /^\s*([^:\s]+)\s*:\s*(\S+)\s*$/.exec(entry);
    if (!match?.[1] || !match[2]) {
      throw new CliError('invalid_keys', `invalid key entry "${entry.trim()}": use "key: secret"`);
    }
    keys[match[1]] = match[2];
  }
  if (Object.keys(keys).length === 0) throw new CliError('invalid_keys', 'no API keys given');
  return keys;
}

/** What `voice-agent-devserver --help` prints. */
export const USAGE = `Usage: voice-agent-devserver [--port <n>] [--keys "<key>: <secret>"] [--host <address>]

  --port   port to listen on, 0 picks a free port (env PORT, default ${DEFAULT_PORT})
  --keys   API keys as livekit-server takes them, "," between pairs
           (env LIVEKIT_KEYS, default "devkey: secret")
  --host   interface to listen on (default 127.0.0.1)

A LiveKit-compatible server for local development and tests: not a production SFU.`;

/** Whether the command line asks for the usage (`--help`, `-h`) instead of a server. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

export interface CliOptions {
  port: number;
  host: string;
  keys: Record<string, string>;
}

/** Flags win over the environment, which wins over LiveKit's dev defaults. */
export function resolveOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  let values: { port?: string; keys?: string; host?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, keys: { type: 'string' }, host: { type: 'string' } },
    }));
  } catch (error) {
    throw new CliError('invalid_arguments', (error as Error).message);
  }
  // @voice-agent/protocol's parsePort rule, written here: the dev server installs on its own.
  const portText = values.port ?? env.PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new CliError('invalid_port', `invalid port "${portText}"`);
  }
  const keysText = values.keys ?? env.LIVEKIT_KEYS;
  return {
    port,
    host: values.host ?? '127.0.0.1',
    keys: keysText ? parseKeys(keysText) : { ...DEFAULT_KEYS },
  };
}
