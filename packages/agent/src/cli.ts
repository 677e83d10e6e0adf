#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cli, ServerOptions } from '@livekit/agents';
import { ConfigError } from './config/config.js';
import { loadAgentConfig } from './config/load.js';
import { guardForkedProcesses } from './lifecycle/fork-guard.js';
import { DEFAULT_DRAIN_LIMIT_SECONDS, runWorker } from './lifecycle/run-worker.js';
import { agentName, missingVariables } from './worker/environment.js';
import { CONFIG_PATH_VARIABLE } from './worker/job.js';
import { createBaseTools, MissingEnvironmentError } from './worker/session.js';

const USAGE = `Usage: voice-agent-worker <dev|start> [--config <file>] [--log-level <level>]
         [--port <n>] [--host <address>] [--idle-processes <n>] [--load-threshold <x>]
         [--drain-limit <seconds>] [--metrics-port <n>]

  dev              development mode (debug logs, no idle processes, never full)
  start            production mode
  --config         voice-agent.config.json, .js or .mjs (.ts: see the README);
                   default: the first voice-agent.config.{js,mjs,json} in this directory
  --port           health and worker-info HTTP port; 0: any free port
                   (default: start 8081, dev any free port)
  --host           address that port listens on (default 0.0.0.0)
  --idle-processes job processes (1 or more) kept started and waiting for a job
                   (default: start min(CPU cores, 4), dev 0)
  --load-threshold CPU load (0-1) at which the worker reports itself full, or "none"
                   (default: start 0.7, dev none)
  --drain-limit    start: seconds running calls may go on after SIGTERM before the
                   agent says goodbye and ends them (default 600); then the worker exits 0
  --metrics-port   start: serve Prometheus metrics (GET /metrics) on this port of
                   --host, e.g. 9464; 0: any free port (default: no metrics server)

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

/** Our options, taken out of the arguments before the framework parses the rest. */
interface WorkerCliOptions {
  configPath?: string;
  port?: number;
  host?: string;
  idleProcesses?: number;
  loadThreshold?: number;
  drainLimit?: number;
  metricsPort?: number;
  logLevel?: string;
}

const OPTION_NAMES = [
  'config',
  'port',
  'host',
  'idle-processes',
  'load-threshold',
  'drain-limit',
  'metrics-port',
  'log-level',
] as const;
type OptionName = (typeof OPTION_NAMES)[number];

function integerOption(name: OptionName, value: string, min: number, max: number): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min && number <= max)) {
    fail(`--${name} needs a whole number from ${min} to ${max}, not "${value}"`);
  }
  return number;
}

function applyOption(options: WorkerCliOptions, name: OptionName, value: string): void {
  if (name === 'config') options.configPath = value;
  else if (name === 'host') options.host = value;
  else if (name === 'log-level') options.logLevel = value;
  else if (name === 'port') options.port = integerOption(name, value, 0, 65_535);
  else if (name === 'metrics-port') options.metricsPort = integerOption(name, value, 0, 65_535);
  else if (name === 'drain-limit') options.drainLimit = integerOption(name, value, 0, 86_400);
  // At least 1: the framework reads 0 as "its default" (4 in `start`).
  else if (name === 'idle-processes') options.idleProcesses = integerOption(name, value, 1, 64);
  else if (value === 'none') options.loadThreshold = Number.POSITIVE_INFINITY;
  else {
    const threshold = /^\d*\.?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!(threshold > 0 && threshold <= 1)) {
      fail(`--load-threshold needs a number above 0 and at most 1, or "none", not "${value}"`);
    }
    options.loadThreshold = threshold;
  }
}

/**
 * Takes our options out of the arguments (`--name <value>` or `--name=<value>`); the rest
 * (`dev` mode's framework options) goes on to the framework's own parser.
 */
function extractOptions(args: string[]): { options: WorkerCliOptions; rest: string[] } {
  const { tokens } = parseArgs({
    args,
    options: Object.fromEntries(OPTION_NAMES.map((name) => [name, { type: 'string' }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const options: WorkerCliOptions = {};
  const rest: string[] = [];
  for (const token of tokens) {
    const name = OPTION_NAMES.find(
      (candidate) => token.kind === 'option' && token.name === candidate,
    );
    if (token.kind === 'option' && name !== undefined) {
      if (!token.value) fail(`--${name} needs a value`);
      applyOption(options, name, token.value);
    } else rest.push(token.kind === 'option-terminator' ? '--' : (args[token.index] ?? ''));
  }
  return { options, rest };
}

/**
 * A free port on `host`. The framework reads port 0 as "the default" (8081) in `start`
 * mode, so "any free port" is resolved here.
 */
function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function main(): Promise<void> {
  const [command, ...options] = process.argv.slice(2);
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(command === undefined ? 1 : 0);
  }
  if (command !== 'dev' && command !== 'start') fail(`unknown command "${command}"\n\n${USAGE}`);
  const { options: cliOptions, rest } = extractOptions(options);
  const { configPath, host, idleProcesses, loadThreshold } = cliOptions;
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
  // Job and inference processes end when the worker is gone, even after a kill -9.
  guardForkedProcesses();
  const port = cliOptions.port === 0 ? await freePort(host ?? '0.0.0.0') : cliOptions.port;
  const worker = {
    ...(port === undefined ? {} : { port }),
    ...(host === undefined ? {} : { host }),
    ...(idleProcesses === undefined ? {} : { numIdleProcesses: idleProcesses }),
    ...(loadThreshold === undefined ? {} : { loadThreshold }),
    agent: fileURLToPath(new URL('./worker/job.js', import.meta.url)),
    agentName: agentName(),
    wsURL: process.env.LIVEKIT_URL,
    apiKey: process.env.LIVEKIT_API_KEY,
    apiSecret: process.env.LIVEKIT_API_SECRET,
  };
  if (command === 'start') {
    if (rest.length > 0) fail(`unknown option "${rest[0]}"\n\n${USAGE}`);
    await runWorker({
      worker,
      logLevel: cliOptions.logLevel ?? 'info',
      drainLimitSeconds: cliOptions.drainLimit ?? DEFAULT_DRAIN_LIMIT_SECONDS,
      metricsPort: cliOptions.metricsPort,
      metricsHost: host ?? '0.0.0.0',
    });
    return;
  }
  const logLevel = cliOptions.logLevel ? ['--log-level', cliOptions.logLevel] : [];
  process.argv = [
    process.argv[0] ?? 'node',
    process.argv[1] ?? 'voice-agent-worker',
    command,
    ...logLevel,
    ...rest,
  ];
  cli.runApp(new ServerOptions(worker));
}

await main();
