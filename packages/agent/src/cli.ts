#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, ServerOptions } from '@livekit/agents';
import { ConfigError } from './config/config.js';
import { loadAgentConfig } from './config/load.js';
import { agentName, missingVariables } from './worker/environment.js';
import { CONFIG_PATH_VARIABLE } from './worker/job.js';
import { createBaseTools, MissingEnvironmentError } from './worker/session.js';

const USAGE = `Usage: voice-agent-worker <dev|start> [--config <file>] [--log-level <level>]

  dev      development mode (debug logs)
  start    production mode
  --config voice-agent.config.json, .js or .mjs (.ts: see the README);
           default: the first voice-agent.config.{js,mjs,json} in this directory

Environment: LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, GOOGLE_API_KEY
(or GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT), AGENT_NAME
(default voice-agent), GOOGLE_GEMINI_BASE_URL, VOICE_AGENT_TOOL_SECRET (HTTP tools).`;

const DEFAULT_CONFIGS = [
  'voice-agent.config.js',
  'voice-agent.config.mjs',
  'voice-agent.config.json',
];

function fail(message: string): never {
  process.stderr.write(`voice-agent-worker: ${message}\n`);
  process.exit(1);
}

/** Takes `--config <file>` / `--config=<file>` out of the arguments the framework parses. */
function extractConfigOption(args: string[]): { configPath?: string; rest: string[] } {
  const rest: string[] = [];
  let configPath: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--config') {
      configPath = args[i + 1];
      if (!configPath) fail('--config needs a file name');
      i++;
    } else if (arg.startsWith('--config=')) {
      configPath = arg.slice('--config='.length);
    } else {
      rest.push(arg);
    }
  }
  return configPath === undefined ? { rest } : { configPath, rest };
}

async function main(): Promise<void> {
  const [command, ...options] = process.argv.slice(2);
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(command === undefined ? 1 : 0);
  }
  if (command !== 'dev' && command !== 'start') fail(`unknown command "${command}"\n\n${USAGE}`);
  const { configPath, rest } = extractConfigOption(options);
  const missing = missingVariables();
  if (missing.length > 0) {
    fail(`missing environment variable${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  }
  const file = configPath ?? DEFAULT_CONFIGS.find((name) => existsSync(name));
  if (!file) fail(`no --config given and no ${DEFAULT_CONFIGS.join(' / ')} here`);
  try {
    const config = await loadAgentConfig(file);
    createBaseTools(config, process.env.VOICE_AGENT_TOOL_SECRET);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    if (error instanceof MissingEnvironmentError) {
      fail(`missing environment variable: ${error.variable} (the config has HTTP tools)`);
    }
    throw error;
  }
  // Job processes are forked by the framework and inherit the environment, not our argv.
  process.env[CONFIG_PATH_VARIABLE] = resolve(file);
  process.argv = [
    process.argv[0] ?? 'node',
    process.argv[1] ?? 'voice-agent-worker',
    command,
    ...rest,
  ];
  cli.runApp(
    new ServerOptions({
      agent: fileURLToPath(new URL('./worker/job.js', import.meta.url)),
      agentName: agentName(),
      wsURL: process.env.LIVEKIT_URL,
      apiKey: process.env.LIVEKIT_API_KEY,
      apiSecret: process.env.LIVEKIT_API_SECRET,
    }),
  );
}

await main();
